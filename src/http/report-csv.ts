import { stringify } from 'csv-stringify/sync';
import { NodeReport } from './schemas/report-schemas.js';
import type { GetBucketReportResponse } from './schemas/report-schemas.js';

/** The CSV columns: the fields of a node's entry, in the schema's order. */
export const CSV_COLUMNS = Object.keys(NodeReport.properties) as Array<keyof NodeReport>;

function cell(value: NodeReport[keyof NodeReport]): string {
  if (value === null) return '';
  if (Array.isArray(value)) return value.join(' ');
  return String(value);
}

/**
 * The report as CSV (RFC 4180, CRLF line ends): a header line of the node
 * fields' names, then one line per node; null is an empty cell, and the
 * days without detail are joined by spaces. The bucket summary is the JSON
 * and PDF answers' (a CSV holds one kind of row).
 *
 * @example
 * reportCsv(answer) // 'nodeId,ip,host,...\r\n3f2c...,192.168.1.100,...\r\n'
 */
export function reportCsv(answer: GetBucketReportResponse): string {
  const rows = answer.nodes.map((node) => CSV_COLUMNS.map((column) => cell(node[column])));
  return stringify([CSV_COLUMNS, ...rows], { record_delimiter: 'windows' });
}
