import type { DownSpan } from './down-spans.js';
import { ByteReader, ByteWriter } from './varint-bytes.js';

const FORMAT = 1;

/**
 * Compact bytes of a day's down spans (sorted, non-overlapping): a format
 * byte, the number of spans, then per span the zigzag varint gap from the previous
 * span's end (the first: from epoch 0) and the varint of `2 × length +
 * (1 when DISCONNECTED)`. A day with a few outages takes a few dozen bytes.
 *
 * @example
 * decodeDownSpans(encodeDownSpans(spans)) // deep-equal to spans
 */
export function encodeDownSpans(spans: readonly DownSpan[]): Uint8Array {
  const out = new ByteWriter();
  out.byte(FORMAT);
  out.uint(spans.length);
  let previousEnd = 0;
  for (const span of spans) {
    out.int(span.from - previousEnd);
    out.uint(2 * (span.to - span.from) + (span.status === 'DISCONNECTED' ? 1 : 0));
    previousEnd = span.to;
  }
  return out.bytes();
}

/** Reads `encodeDownSpans`' bytes; throws a RangeError on anything else. */
export function decodeDownSpans(bytes: Uint8Array): DownSpan[] {
  const input = new ByteReader(bytes);
  const format = input.byte();
  if (format !== FORMAT) throw new RangeError(`unknown down span format ${format}`);
  const spans: DownSpan[] = [];
  let previousEnd = 0;
  for (let left = input.uint(); left > 0; left--) {
    const from = previousEnd + input.int();
    const lengthAndStatus = input.uint();
    const to = from + Math.floor(lengthAndStatus / 2);
    spans.push({ from, to, status: lengthAndStatus % 2 === 1 ? 'DISCONNECTED' : 'OFFLINE' });
    previousEnd = to;
  }
  if (!input.done()) throw new RangeError('trailing bytes after down spans');
  return spans;
}
