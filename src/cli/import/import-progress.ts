import cliProgress from 'cli-progress';
import { writeLine, type TextSink } from '../cli-io.js';
import type { ImportTotals } from './import-state.js';

/** Where an import stands after an acknowledged batch. */
export interface ImportStep {
  /** Bytes of the file done. */
  offset: number;
  line: number;
  totals: ImportTotals;
  /** Lines read per second in this run. */
  linesPerSecond: number;
}

/** How an import shows its way through the file, and its warnings (bad lines) meanwhile. */
export interface ImportProgress {
  start(totalBytes: number, doneBytes: number): void;
  step(step: ImportStep): void;
  warn(text: string): void;
  stop(): void;
}

function percent(part: number, whole: number): number {
  return whole === 0 ? 100 : Math.floor((100 * part) / whole);
}

/** One log line per batch: what a log file or a CI job wants. */
class LogProgress implements ImportProgress {
  private totalBytes = 0;

  constructor(private readonly sink: TextSink) {}

  start(totalBytes: number): void {
    this.totalBytes = totalBytes;
  }

  step({ offset, line, totals, linesPerSecond }: ImportStep): void {
    writeLine(
      this.sink,
      `imported through line ${line} (${percent(offset, this.totalBytes)}%): ${totals.accepted} accepted, ` +
        `${totals.duplicates} duplicates, ${totals.badLines} bad lines; ${Math.round(linesPerSecond)} lines/s`,
    );
  }

  warn(text: string): void {
    writeLine(this.sink, text);
  }

  stop(): void {}
}

/** A bar over the file's bytes, with the line reached and the rate: what a person at a terminal wants. */
class BarProgress implements ImportProgress {
  private readonly bars: cliProgress.MultiBar;
  private bar: cliProgress.SingleBar | undefined;

  constructor(sink: TextSink) {
    this.bars = new cliProgress.MultiBar(
      {
        stream: sink as NodeJS.WritableStream,
        format: 'importing [{bar}] {percentage}% | line {line} | {rate} lines/s | ETA {eta_formatted}',
        hideCursor: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
  }

  start(totalBytes: number, doneBytes: number): void {
    this.bar = this.bars.create(totalBytes, doneBytes, { line: 0, rate: 0 });
  }

  step({ offset, line, linesPerSecond }: ImportStep): void {
    this.bar?.update(offset, { line, rate: Math.round(linesPerSecond) });
  }

  warn(text: string): void {
    this.bars.log(`${text}\n`);
  }

  stop(): void {
    this.bars.stop();
  }
}

/**
 * A progress bar when `sink` is a terminal, otherwise a log line per batch.
 *
 * @example
 * const progress = progressFor(io.stderr);
 */
export function progressFor(sink: TextSink): ImportProgress {
  return sink.isTTY ? new BarProgress(sink) : new LogProgress(sink);
}
