import type { BucketNodeStatsRangeInfo } from '@flashback/bucket-stats-client';
import { el, instantText, quantileMillis, statusClass } from './format.js';

type Field = keyof Omit<BucketNodeStatsRangeInfo, 'nodeId' | 'region'>;

/** The eight fields of the stats call's answer, and the day's p95 beside the mean, in a reading order, with their column titles. */
const COLUMNS: ReadonlyArray<[field: Field, title: string]> = [
  ['host', 'Host'],
  ['ip', 'IP'],
  ['perc_uptime', 'Uptime'],
  ['avg_latency_ms', 'Avg latency'],
  ['p95_latency_ms', 'p95 latency'],
  ['last_latency_ms', 'Last latency'],
  ['node_status', 'Status'],
  ['last_updated', 'Last report'],
  ['version', 'Version'],
];

function cellContent(field: Field, entry: BucketNodeStatsRangeInfo): Node | string {
  const value = entry[field];
  if (value === null) return 'not measured';
  switch (field) {
    case 'perc_uptime':
      return `${value} %`;
    case 'p95_latency_ms':
      return quantileMillis(entry.p95_latency_ms);
    case 'avg_latency_ms':
    case 'last_latency_ms':
      return `${value} ms`;
    case 'node_status':
      return el('span', { class: `status ${statusClass(entry.node_status)}` }, entry.node_status);
    case 'last_updated':
      return el('time', { datetime: entry.last_updated }, instantText(entry.last_updated));
    default:
      return String(value);
  }
}

/**
 * The day's answer as a table: one row per node, the stats call's eight
 * fields as columns (each cell carries its field name and raw value, so
 * that what is shown can be checked against the API). On a narrow screen
 * the stylesheet lays each row out as a card, labelled by `data-label`.
 *
 * @example
 * section.replaceChildren(renderDayTable('2024-01-15', entries, false));
 */
export function renderDayTable(day: string, entries: readonly BucketNodeStatsRangeInfo[], today: boolean): HTMLElement {
  if (entries.length === 0) {
    return el('p', { class: 'empty' }, `No node was listed for this bucket on ${day}: none had reported in the days up to it.`);
  }
  const caption = today
    ? `Each node's numbers for ${day}, so far today (UTC)`
    : `Each node's numbers for ${day} (UTC day), as the stats call answers them`;
  return el(
    'table',
    { class: 'day-table', 'data-day': day },
    el('caption', {}, caption),
    el('thead', {}, el('tr', {}, ...COLUMNS.map(([field, title]) => el('th', { scope: 'col', title: field }, title)))),
    el(
      'tbody',
      {},
      ...entries.map((entry) =>
        el(
          'tr',
          { 'data-node-id': entry.nodeId },
          ...COLUMNS.map(([field, title]) =>
            el(
              field === 'host' ? 'th' : 'td',
              {
                ...(field === 'host' && { scope: 'row' }),
                'data-field': field,
                'data-label': title,
                'data-value': JSON.stringify(entry[field]),
              },
              cellContent(field, entry),
            ),
          ),
        ),
      ),
    ),
  );
}
