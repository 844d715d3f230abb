import type { GetBucketReportResponse, NodeReport } from '@flashback/bucket-stats-client';
import { duration, el, quantileMillis } from './format.js';

const percentText = (value: number | null): string => (value === null ? '—' : `${value} %`);
const msText = (value: number | null): string => (value === null ? '—' : `${value} ms`);
const quantileText = (value: number | null): string => quantileMillis(value, '—');

/** The figure's look: green when the promise is kept, amber below 99.9 %, red below 99 %. */
function levelClass(value: number | null): string {
  if (value === null) return 'level-none';
  return value >= 99.9 ? 'level-good' : value >= 99 ? 'level-warn' : 'level-bad';
}

function figure(field: string, title: string, value: string, note: string, extraClass = ''): HTMLElement {
  return el(
    'div',
    { class: `figure ${extraClass}`.trim(), 'data-field': field },
    el('dt', {}, title),
    el('dd', {}, el('span', { class: 'figure-value' }, value), el('span', { class: 'figure-note' }, note)),
  );
}

/**
 * The bucket's figures for the period as cards: availability without
 * maintenance (the SLA figure), raw uptime, downtime, incidents and the
 * announced maintenance. Each card carries its field name and the value
 * the API answered (`data-value`), so that tests compare them exactly.
 *
 * @example
 * container.replaceChildren(renderSlaFigures(report));
 */
export function renderSlaFigures(report: GetBucketReportResponse): HTMLElement {
  const b = report.bucket;
  const cards = [
    figure(
      'perc_uptime_sla',
      'Availability (SLA)',
      percentText(b.perc_uptime_sla),
      'announced maintenance left out',
      levelClass(b.perc_uptime_sla),
    ),
    figure('perc_uptime', 'Uptime', percentText(b.perc_uptime), 'all counted time'),
    figure('downtimeMs', 'Downtime', duration(b.downtimeMs), 'outside maintenance, all nodes'),
    figure('incidents', 'Incidents', String(b.incidents), 'outside maintenance'),
    figure('maintenanceMs', 'Maintenance', duration(b.maintenanceMs), 'announced, all nodes'),
  ];
  for (const card of cards) card.dataset.value = JSON.stringify(b[card.dataset.field as keyof typeof b]);
  return el('dl', { class: 'figures' }, ...cards);
}

type Column = [field: keyof NodeReport, title: string, text: (node: NodeReport) => string];

const COLUMNS: readonly Column[] = [
  ['host', 'Node', (n) => n.host],
  ['perc_uptime_sla', 'SLA', (n) => percentText(n.perc_uptime_sla)],
  ['perc_uptime', 'Uptime', (n) => percentText(n.perc_uptime)],
  ['downtimeMs', 'Downtime', (n) => duration(n.downtimeMs)],
  ['incidents', 'Incidents', (n) => String(n.incidents)],
  ['longestIncidentMs', 'Longest', (n) => (n.longestIncidentMs === null ? '—' : duration(n.longestIncidentMs))],
  ['maintenanceMs', 'Maintenance', (n) => duration(n.maintenanceMs)],
  ['avg_latency_ms', 'Mean', (n) => msText(n.avg_latency_ms)],
  ['p50_latency_ms', 'p50', (n) => quantileText(n.p50_latency_ms)],
  ['p95_latency_ms', 'p95', (n) => quantileText(n.p95_latency_ms)],
  ['p99_latency_ms', 'p99', (n) => quantileText(n.p99_latency_ms)],
];

/**
 * One row per node of the report: its SLA figures and its latency mean
 * and percentiles over the period. Laid out as cards on a narrow screen.
 *
 * @example
 * container.replaceChildren(renderSlaNodes(report));
 */
export function renderSlaNodes(report: GetBucketReportResponse): HTMLElement {
  if (report.nodes.length === 0) {
    return el('p', { class: 'empty' }, `No node was listed for this bucket from ${report.from} to ${report.to}.`);
  }
  return el(
    'table',
    { class: 'sla-table', 'data-from': report.from, 'data-to': report.to },
    el('caption', {}, `Each node from ${report.from} to ${report.to} (UTC days), as the report answers it`),
    el('thead', {}, el('tr', {}, ...COLUMNS.map(([field, title]) => el('th', { scope: 'col', title: field }, title)))),
    el(
      'tbody',
      {},
      ...report.nodes.map((node) =>
        el(
          'tr',
          { 'data-node-id': node.nodeId },
          ...COLUMNS.map(([field, title, text]) =>
            el(
              field === 'host' ? 'th' : 'td',
              {
                ...(field === 'host' && { scope: 'row' }),
                class: field === 'perc_uptime_sla' ? levelClass(node.perc_uptime_sla) : undefined,
                'data-field': field,
                'data-label': title,
                'data-value': JSON.stringify(node[field]),
              },
              text(node),
            ),
          ),
        ),
      ),
    ),
  );
}
