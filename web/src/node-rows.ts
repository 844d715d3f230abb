import type { BucketNodeStatsRangeInfo } from '@flashback/bucket-stats-client';
import { duration, el, instantText, millis, percent, quantileMillis, statusClass, uptimeClass } from './format.js';

/** One node across the days shown: its latest entry and its entry of each day it was listed. */
export interface NodeHistory {
  nodeId: string;
  latest: BucketNodeStatsRangeInfo;
  latestDay: string;
  byDay: Map<string, BucketNodeStatsRangeInfo>;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Follows every node listed on any of `days` (oldest first), ordered as the
 * API orders a day's entries: by host, ip, node id, as of its latest day.
 *
 * @example
 * nodeHistories([{ day: '2024-01-15', nodeStats: [entry] }]) // [{ nodeId, latest: entry, byDay }]
 */
export function nodeHistories(days: ReadonlyArray<{ day: string; nodeStats: BucketNodeStatsRangeInfo[] }>): NodeHistory[] {
  const nodes = new Map<string, NodeHistory>();
  for (const { day, nodeStats } of days) {
    for (const entry of nodeStats) {
      const node = nodes.get(entry.nodeId) ?? { nodeId: entry.nodeId, latest: entry, latestDay: day, byDay: new Map() };
      node.byDay.set(day, entry);
      node.latest = entry;
      node.latestDay = day;
      nodes.set(entry.nodeId, node);
    }
  }
  return [...nodes.values()].sort(
    (a, b) => compare(a.latest.host, b.latest.host) || compare(a.latest.ip, b.latest.ip) || compare(a.nodeId, b.nodeId),
  );
}

/** What a bar says, for its tooltip (lines) and its accessible name (one sentence). */
export function barText(
  day: string,
  entry: BucketNodeStatsRangeInfo | undefined,
  today: string,
  maintenanceMs = 0,
): { lines: string[]; label: string } {
  if (!entry) {
    return { lines: [day, 'No data: the node was not listed this day'], label: `${day}: no data` };
  }
  const status = day === today ? 'Status now' : "Status at the day's end";
  const lines = [
    day === today ? `${day} (today, so far)` : day,
    `Uptime ${percent(entry.perc_uptime)}`,
    `Average latency ${millis(entry.avg_latency_ms)}`,
    `${status} ${entry.node_status}`,
    `Last report ${instantText(entry.last_updated)}`,
  ];
  if (entry.p95_latency_ms !== null) lines.splice(3, 0, `p95 latency ${quantileMillis(entry.p95_latency_ms)}`);
  const maintenance = maintenanceMs > 0 ? `maintenance ${duration(maintenanceMs)}` : undefined;
  if (maintenance) lines.push(`Announced ${maintenance}`);
  const label =
    `${day}: uptime ${percent(entry.perc_uptime)}, average latency ${millis(entry.avg_latency_ms)}, ` +
    `status ${entry.node_status}${maintenance ? `, ${maintenance}` : ''}`;
  return { lines, label };
}

/** A node's announced maintenance on a day, in milliseconds (see maintenance-spans.ts). */
export type MaintenanceOf = (nodeId: string, day: string) => number;

function bar(node: NodeHistory, day: string, today: string, maintenanceOf: MaintenanceOf): HTMLButtonElement {
  const entry = node.byDay.get(day);
  const maintenanceMs = maintenanceOf(node.nodeId, day);
  const { lines, label } = barText(day, entry, today, maintenanceMs);
  return el('button', {
    type: 'button',
    class: `bar ${uptimeClass(entry?.perc_uptime)}${maintenanceMs > 0 ? ' maintenance' : ''}`,
    'data-day': day,
    'data-maintenance-ms': maintenanceMs > 0 ? maintenanceMs : undefined,
    'data-tip': lines.join('\n'),
    'aria-label': label,
    tabindex: -1,
  });
}

function nodeInfo(node: NodeHistory, today: string): HTMLElement {
  const now = node.latestDay === today ? node.latest : undefined;
  const status = now?.node_status ?? 'NOT LISTED';
  return el(
    'div',
    { class: 'node-info' },
    el('p', { class: 'node-host', 'data-field': 'host' }, node.latest.host),
    el(
      'p',
      { class: 'node-meta' },
      el('span', { 'data-field': 'ip' }, node.latest.ip),
      el('span', { 'data-field': 'region' }, node.latest.region),
      el('span', { 'data-field': 'version' }, `v${node.latest.version}`),
    ),
    el(
      'p',
      { class: 'node-now' },
      el('span', { class: `status ${statusClass(now?.node_status)}`, 'data-field': 'status' }, status),
      el(
        'span',
        { class: 'today-uptime' },
        'today ',
        el('strong', { 'data-field': 'today-uptime' }, now ? percent(now.perc_uptime) : '—'),
      ),
    ),
  );
}

/**
 * One row per node: who it is, how it is now, and one bar per day of
 * `days` coloured by that day's uptime. Each strip of bars is a toolbar
 * (one tab stop; arrows move between days, see `bar-keys.ts`).
 *
 * @example
 * container.replaceChildren(renderNodeRows(nodeHistories(answer.days), days, today));
 */
export function renderNodeRows(
  nodes: readonly NodeHistory[],
  days: readonly string[],
  today: string,
  maintenanceOf: MaintenanceOf = () => 0,
): HTMLElement {
  const first = days[0] ?? today;
  const last = days[days.length - 1] ?? today;
  return el(
    'ul',
    { class: 'nodes', 'data-from': first, 'data-to': last },
    el(
      'li',
      { class: 'axis', 'aria-hidden': 'true' },
      el('span', {}),
      el('span', { class: 'axis-labels' }, el('span', {}, first), el('span', {}, last === today ? `${last} (today)` : last)),
    ),
    ...nodes.map((node) =>
      el(
        'li',
        { class: 'node', 'data-node-id': node.nodeId },
        nodeInfo(node, today),
        el(
          'div',
          {
            class: 'bars',
            role: 'toolbar',
            'aria-label': `Daily uptime of ${node.latest.host} (${node.latest.ip}), ${first} to ${last}`,
          },
          ...days.map((day) => bar(node, day, today, maintenanceOf)),
        ),
      ),
    ),
  );
}

/** Marks `day` as chosen in every strip, and makes it each strip's tab stop. */
export function markSelectedDay(container: HTMLElement, day: string): void {
  for (const strip of container.querySelectorAll<HTMLElement>('.bars')) {
    const bars = [...strip.querySelectorAll<HTMLButtonElement>('.bar')];
    const chosen = bars.find((b) => b.dataset.day === day) ?? bars[bars.length - 1];
    for (const b of bars) {
      b.classList.toggle('selected', b === chosen && b.dataset.day === day);
      b.setAttribute('aria-pressed', String(b.dataset.day === day));
      b.tabIndex = b === chosen ? 0 : -1;
    }
  }
}
