import { extname } from 'node:path';
import { CsvReportParser } from './csv-report-parser.js';
import type { FileLine } from './line-reader.js';
import { readLines } from './line-reader.js';
import { parseJsonLine, type ParsedLine } from './report-line.js';

export type ImportFormat = 'ndjson' | 'csv';

/** Turns each line of an import file into a report, a blank, or a problem. */
export interface LineParser {
  format: ImportFormat;
  parse(line: FileLine): ParsedLine;
}

/**
 * The format of an import file: by its extension (`.csv`; `.ndjson`,
 * `.jsonl`, `.json`), else by its first line (`{` starts NDJSON).
 *
 * @example
 * formatOf('history.csv', 'nodeId,bucketId,at,status') // 'csv'
 * formatOf('history.txt', '{"nodeId": ...}')           // 'ndjson'
 */
export function formatOf(file: string, firstLine: string): ImportFormat {
  const extension = extname(file).toLowerCase();
  if (extension === '.csv') return 'csv';
  if (['.ndjson', '.jsonl', '.json'].includes(extension)) return 'ndjson';
  return firstLine
    .replace(/^\uFEFF/, '')
    .trimStart()
    .startsWith('{')
    ? 'ndjson'
    : 'csv';
}

/**
 * The parser for a file, reading its first line (a CSV file's header) even
 * when the import resumes further on.
 *
 * @example
 * const parser = await lineParserFor('history.csv');
 * for await (const line of readLines('history.csv')) handle(parser.parse(line));
 */
export async function lineParserFor(file: string): Promise<LineParser> {
  let firstLine = '';
  for await (const line of readLines(file)) {
    firstLine = line.text;
    break;
  }
  const format = formatOf(file, firstLine);
  if (format === 'ndjson') {
    return { format, parse: (line) => parseJsonLine(line.number === 1 ? line.text.replace(/^\uFEFF/, '') : line.text) };
  }
  const csv = CsvReportParser.fromHeader(firstLine);
  return { format, parse: (line) => (line.number === 1 ? { blank: true } : csv.parse(line.text)) };
}
