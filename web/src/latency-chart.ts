import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { GetBucketLatencyResponse, NodeLatencySeries } from '@flashback/bucket-stats-client';
import type { Span } from './maintenance-spans.js';

// A node silent for longer than this is drawn with a break, not a line across the silence.
const SILENCE_MS = 15 * 60_000;

/**
 * Lines up every node's minutes on one time axis (seconds, as uPlot wants
 * them). A minute in which a node measured nothing (it reported the bucket
 * down) is `null`: uPlot breaks the line there. A minute in which it sent
 * nothing is `undefined`, which uPlot draws across, unless the node was
 * silent for more than `SILENCE_MS`, which breaks the line too.
 *
 * @example
 * alignedSeries([{ minutes: [0, 60_000], latencyMs: [40, null], ... }]) // [[0, 60], [40, null]]
 */
export function alignedSeries(nodes: readonly NodeLatencySeries[]): uPlot.AlignedData {
  const minutes = [...new Set(nodes.flatMap((n) => n.minutes))].sort((a, b) => a - b);
  const index = new Map(minutes.map((minute, i) => [minute, i]));
  const columns = nodes.map((node) => {
    const column: Array<number | null | undefined> = new Array<number | null | undefined>(minutes.length).fill(undefined);
    node.minutes.forEach((minute, i) => {
      const at = index.get(minute) as number;
      column[at] = node.latencyMs[i] ?? null;
      const next = node.minutes[i + 1];
      if (next !== undefined && next - minute > SILENCE_MS && at + 1 < minutes.length) column[at + 1] ??= null;
    });
    return column;
  });
  return [minutes.map((m) => m / 1000), ...columns] as uPlot.AlignedData;
}

/** `HH:MM` (UTC) of an instant in seconds. */
function hourMinute(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(11, 16);
}

/** A distinct, readable colour per node: hues a golden angle apart. */
function colour(i: number): string {
  return `hsl(${Math.round((i * 137.508) % 360)} 70% 40%)`;
}

export const MAINTENANCE_FILL = 'rgba(37, 99, 235, 0.12)';

/** Paints announced maintenance behind the lines: one band per span, the plot's full height. */
function shadeMaintenance(spans: readonly Span[]): (u: uPlot) => void {
  return (u) => {
    const { ctx, bbox } = u;
    ctx.save();
    ctx.fillStyle = MAINTENANCE_FILL;
    for (const [start, end] of spans) {
      const left = u.valToPos(start / 1000, 'x', true);
      const right = u.valToPos(end / 1000, 'x', true);
      const x = Math.max(bbox.left, left);
      const width = Math.min(bbox.left + bbox.width, right) - x;
      if (width > 0) ctx.fillRect(x, bbox.top, width, bbox.height);
    }
    ctx.restore();
  };
}

/**
 * Draws the day's latency, one line per node, in `container` (emptied
 * first), with the day's announced maintenance (`maintenance`, merged spans)
 * shaded behind; returns the chart so that it can be resized and destroyed.
 * Times are shown in UTC, like the day they belong to.
 *
 * @example
 * const chart = drawLatencyChart(document.querySelector('#latency-chart'), answer, spans);
 */
export function drawLatencyChart(
  container: HTMLElement,
  answer: GetBucketLatencyResponse,
  maintenance: readonly Span[] = [],
): uPlot {
  container.replaceChildren();
  container.dataset.maintenanceSpans = String(maintenance.length);
  const options: uPlot.Options = {
    hooks: { drawClear: [shadeMaintenance(maintenance)] },
    width: chartWidth(container),
    height: 260,
    tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC'),
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(10, max * 1.1)] } },
    axes: [
      // A chart is one UTC day: hours and minutes say it all, in 24-hour time.
      { label: 'UTC', labelSize: 20, values: (_u, splits) => splits.map(hourMinute) },
      { label: 'ms', labelSize: 20, size: 48 },
    ],
    legend: { live: true },
    cursor: { drag: { x: true, y: false } },
    series: [
      { label: 'Time (UTC)', value: (_u: uPlot, v: number | null) => (v === null ? '—' : hourMinute(v)) },
      ...answer.nodes.map((node, i) => ({
        label: `${node.host} (${node.ip})`,
        stroke: colour(i),
        width: 1.5,
        value: (_u: uPlot, v: number | null) => (v === null || v === undefined ? '—' : `${v} ms`),
      })),
    ],
  };
  return new uPlot(options, alignedSeries(answer.nodes), container);
}

/** The width the chart may take: its container's, never wider than the screen. */
export function chartWidth(container: HTMLElement): number {
  return Math.max(200, Math.min(container.clientWidth, document.documentElement.clientWidth - 16));
}
