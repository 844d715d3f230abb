/**
 * Unsigned LEB128 varints for the compact rollup detail (latency sketches,
 * down spans). Values up to 2^53 are written with arithmetic rather than
 * bit operators, which JavaScript limits to 32 bits, so epoch milliseconds
 * fit.
 *
 * @example
 * const out = new ByteWriter(); out.uint(300); new ByteReader(out.bytes()).uint() // 300
 */
export class ByteWriter {
  private buffer: Uint8Array;
  private length = 0;

  /** `expected`: how many bytes are likely to be written, so that the buffer grows rarely. */
  constructor(expected = 32) {
    this.buffer = new Uint8Array(Math.max(8, expected));
  }

  /** Appends a non-negative safe integer. */
  uint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a varint: ${value}`);
    let rest = value;
    while (rest >= 0x80) {
      this.byte((rest % 0x80) + 0x80);
      rest = Math.floor(rest / 0x80);
    }
    this.byte(rest);
  }

  /** Appends a safe integer of either sign (zigzag: 0, -1, 1, -2 … → 0, 1, 2, 3 …). */
  int(value: number): void {
    this.uint(value < 0 ? -2 * value - 1 : 2 * value);
  }

  byte(value: number): void {
    if (this.length === this.buffer.length) {
      const grown = new Uint8Array(this.buffer.length * 2);
      grown.set(this.buffer);
      this.buffer = grown;
    }
    this.buffer[this.length++] = value;
  }

  /** The bytes written so far: a view of this writer's buffer, so nothing may be written after taking it. */
  bytes(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }
}

/** Reads what `ByteWriter` wrote; throws a RangeError on truncated input. */
export class ByteReader {
  private offset = 0;

  constructor(private readonly input: Uint8Array) {}

  uint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const byte = this.byte();
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 0x80;
      if (scale > 2 ** 56) throw new RangeError('varint too long');
    }
  }

  int(): number {
    const zigzag = this.uint();
    return zigzag % 2 === 1 ? -(zigzag + 1) / 2 : zigzag / 2;
  }

  byte(): number {
    const byte = this.input[this.offset++];
    if (byte === undefined) throw new RangeError('truncated bytes');
    return byte;
  }

  /** True when every byte was read. */
  done(): boolean {
    return this.offset === this.input.length;
  }
}
