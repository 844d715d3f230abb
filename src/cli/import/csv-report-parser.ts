import { CliError } from '../cli-errors.js';
import { splitCsvLine } from './csv-fields.js';
import { toReport, type ParsedLine, type RawReportFields } from './report-line.js';

type Field = keyof RawReportFields;

/** Header names as people write them (`nodeId`, `node_id`, `Node ID`), reduced to one spelling. */
const FIELD_BY_NAME: Record<string, Field> = {
  nodeid: 'nodeId',
  bucketid: 'bucketId',
  at: 'at',
  createdat: 'at',
  status: 'status',
  latencyms: 'latencyMs',
  latency: 'latencyMs',
};
const REQUIRED: readonly Field[] = ['nodeId', 'bucketId', 'at', 'status'];

/** A latency cell: empty or `null` is no measurement; anything else must be a number. */
function latencyOf(cell: string | undefined): unknown {
  const text = cell?.trim() ?? '';
  if (text === '' || text.toLowerCase() === 'null') return null;
  const value = Number(text);
  return Number.isNaN(value) ? text : value;
}

/**
 * Reads CSV reports by the column names of the header line, in any order,
 * e.g. `nodeId,bucketId,at,status,latencyMs`.
 *
 * @example
 * const parser = CsvReportParser.fromHeader('node_id,bucket_id,at,status,latency_ms');
 * parser.parse('3f2c...,0de0...,2024-01-15T06:00:00Z,ONLINE,40') // { report: {...} }
 */
export class CsvReportParser {
  private constructor(
    private readonly columns: ReadonlyMap<Field, number>,
    private readonly width: number,
  ) {}

  static fromHeader(header: string): CsvReportParser {
    const names = splitCsvLine(header.replace(/^\uFEFF/, ''));
    const columns = new Map<Field, number>();
    names?.forEach((name, index) => {
      const field = FIELD_BY_NAME[name.toLowerCase().replace(/[^a-z]/g, '')];
      if (field !== undefined && !columns.has(field)) columns.set(field, index);
    });
    const missing = REQUIRED.filter((field) => !columns.has(field));
    if (missing.length > 0) {
      throw new CliError(
        `the CSV header must name the columns nodeId, bucketId, at, status (and optionally latencyMs); ` +
          `missing ${missing.join(', ')} in ${JSON.stringify(header.slice(0, 200))}`,
      );
    }
    return new CsvReportParser(columns, Math.max(...columns.values()) + 1);
  }

  parse(text: string): ParsedLine {
    if (text.trim() === '') return { blank: true };
    const cells = splitCsvLine(text);
    if (cells === undefined) return { problem: 'unbalanced quotes' };
    if (cells.length < this.width) return { problem: `${cells.length} fields where the header needs at least ${this.width}` };
    const cell = (field: Field): string | undefined => {
      const index = this.columns.get(field);
      return index === undefined ? undefined : cells[index]?.trim();
    };
    return toReport({
      nodeId: cell('nodeId'),
      bucketId: cell('bucketId'),
      at: cell('at'),
      status: cell('status'),
      latencyMs: this.columns.has('latencyMs') ? latencyOf(cell('latencyMs')) : undefined,
    });
  }
}
