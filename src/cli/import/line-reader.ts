import { createReadStream } from 'node:fs';
import { CliError } from '../cli-errors.js';

/** No report line comes near this; a file without line breaks must not fill the memory. */
const MAX_LINE_BYTES = 1 << 20;

/** One line of a file with where it lies, so that a reader can resume right after it. */
export interface FileLine {
  /** 1-based. */
  number: number;
  /** The line's text without its `\n` or `\r\n`. */
  text: string;
  /** The line's exact bytes, terminator included (valid only until the next line is read). */
  raw: Buffer;
  /** Byte offset just after this line: where reading resumes. */
  end: number;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

function lineOf(raw: Buffer, number: number, end: number): FileLine {
  let stop = raw.length;
  if (stop > 0 && raw[stop - 1] === NEWLINE) stop--;
  if (stop > 0 && raw[stop - 1] === CARRIAGE_RETURN) stop--;
  return { number, text: raw.toString('utf8', 0, stop), raw, end };
}

/**
 * Streams a file's lines with their byte offsets, from `start` on, holding
 * one chunk at a time. (`readline` hides whether a line ended in `\n` or
 * `\r\n`, so it cannot say where the next line starts; resuming needs that.)
 *
 * @example
 * for await (const line of readLines('reports.ndjson', { start: state.offset, firstLine: state.line + 1 })) { ... }
 */
export async function* readLines(file: string, options: { start?: number; firstLine?: number } = {}): AsyncGenerator<FileLine> {
  let offset = options.start ?? 0;
  let number = options.firstLine ?? 1;
  let carry: Buffer | undefined;
  for await (const chunk of createReadStream(file, { start: offset, highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    const data = carry ? Buffer.concat([carry, chunk]) : chunk;
    carry = undefined;
    let from = 0;
    for (let at = data.indexOf(NEWLINE); at !== -1; at = data.indexOf(NEWLINE, from)) {
      const raw = data.subarray(from, at + 1);
      offset += raw.length;
      yield lineOf(raw, number++, offset);
      from = at + 1;
    }
    if (from < data.length) carry = Buffer.from(data.subarray(from));
    if (carry && carry.length > MAX_LINE_BYTES) {
      throw new CliError(
        `line ${number} of ${file} is longer than ${MAX_LINE_BYTES} bytes: is it NDJSON or CSV, one report a line?`,
      );
    }
  }
  if (carry && carry.length > 0) yield lineOf(carry, number, offset + carry.length);
}
