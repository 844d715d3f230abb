import { RRule } from 'rrule';
import type { MaintenanceWindow } from '@flashback/bucket-stats-client';

/** `[start, end)` in epoch milliseconds. */
export type Span = readonly [start: number, end: number];

const MINUTE_MS = 60_000;

/**
 * The occurrences of one window that overlap `[from, to)`, clipped to it.
 * A recurring window is expanded with rrule (the library the service
 * evaluates it with), in UTC from its `start`, `until` inclusive as in
 * RFC 5545.
 *
 * @example
 * windowSpans({ start: '2026-11-01T02:00:00.000Z', rrule: 'FREQ=WEEKLY', durationMinutes: 60, ... }, from, to)
 */
export function windowSpans(window: MaintenanceWindow, from: number, to: number): Span[] {
  const start = Date.parse(window.start);
  if (window.rrule === null || window.durationMinutes === null) {
    const end = window.end === null ? start : Date.parse(window.end);
    return end > from && start < to ? [[Math.max(start, from), Math.min(end, to)]] : [];
  }
  const duration = window.durationMinutes * MINUTE_MS;
  const rule = new RRule({
    ...RRule.parseString(window.rrule),
    dtstart: new Date(start),
    ...(window.until !== null && { until: new Date(window.until) }),
  });
  return rule
    .between(new Date(from - duration), new Date(to), true)
    .map((occurrence) => occurrence.getTime())
    .filter((at) => at + duration > from && at < to)
    .map((at): Span => [Math.max(at, from), Math.min(at + duration, to)]);
}

/** Whether a window covers a node: every node when it lists none. */
export function covers(window: MaintenanceWindow, nodeId: string): boolean {
  return window.nodeIds === null || window.nodeIds.length === 0 || window.nodeIds.includes(nodeId);
}

/**
 * The union of spans, sorted and merged (time covered twice counts once, as in sla.md).
 *
 * @example
 * union([[0, 10], [5, 20], [30, 40]]) // [[0, 20], [30, 40]]
 */
export function union(spans: readonly Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [start, end] of sorted) {
    const last = merged[merged.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

/**
 * The maintenance time of `nodeId` in `[from, to)` under `windows`, as
 * merged spans. The windows are those listed now: the past part of a
 * window changed or deleted since is not drawn (the report still counts it).
 *
 * @example
 * const spans = maintenanceSpans(windows, nodeId, dayStart, dayStart + 86_400_000);
 */
export function maintenanceSpans(windows: readonly MaintenanceWindow[], nodeId: string | null, from: number, to: number): Span[] {
  const spans = windows.filter((w) => nodeId === null || covers(w, nodeId)).flatMap((w) => windowSpans(w, from, to));
  return union(spans);
}

/** The total length of merged spans, in milliseconds. */
export const spansLength = (spans: readonly Span[]): number => spans.reduce((sum, [start, end]) => sum + end - start, 0);
