import type { Command } from 'commander';
import { ExitCode, UsageError } from '../cli-errors.js';
import { withServiceOptions, type CommandContext } from '../command-context.js';
import { progressFor } from '../import/import-progress.js';
import { statePathFor } from '../import/import-state.js';
import { importReportFile, type ImportResult } from '../import/report-importer.js';

/** The most reports `POST /admin/reports` takes in one request (api.md). */
const MAX_BATCH = 10_000;

const IMPORT_HELP = `
Lines:
  NDJSON  {"nodeId":"<uuid>","bucketId":"<uuid>","at":"2024-01-15T06:00:00Z","status":"ONLINE","latencyMs":40}
  CSV     a header naming nodeId, bucketId, at, status and optionally latencyMs (any order; node_id works too)
  The format comes from the extension (.csv; .ndjson, .jsonl, .json), else from the first character.

Bad lines are reported with their numbers on stderr and skipped. Progress is saved next to FILE
after each acknowledged batch; run the same command again to resume after an interruption.

Example:
  $ FBSTATS_TOKEN=$(cat data/operator-token) fbstats import history.ndjson`;

interface ImportCommandOptions {
  batchSize: string;
  state?: string;
  json?: boolean;
}

function batchSizeOf(text: string): number {
  const size = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(size >= 1 && size <= MAX_BATCH)) throw new UsageError(`--batch-size must be a whole number from 1 to ${MAX_BATCH}`);
  return size;
}

/**
 * The end-of-import line: totals over every run of this import, the rate of this one.
 *
 * @example
 * summaryLine('h.ndjson', result) // 'h.ndjson: 100000 lines read, 99998 accepted, 0 duplicates, 2 bad lines; 31250 lines/s'
 */
export function summaryLine(file: string, result: ImportResult): string {
  const { totals } = result;
  const resumed = result.resumedAfterLine > 0 ? ` (resumed after line ${result.resumedAfterLine})` : '';
  const rate = Math.round(result.linesThisRun / Math.max(result.seconds, 0.001));
  return (
    `${file}: ${totals.linesRead} lines read, ${totals.accepted} accepted, ${totals.duplicates} duplicates, ` +
    `${totals.badLines} bad lines${resumed}; ${rate} lines/s`
  );
}

/**
 * `fbstats import FILE` (operator): history from NDJSON or CSV into
 * `POST /admin/reports`, resumable after an interruption.
 *
 * @example
 * registerImportCommand(program, context);
 */
export function registerImportCommand(program: Command, context: CommandContext): void {
  withServiceOptions(program.command('import'))
    .description(
      'import reports from an NDJSON or CSV file (operator token); an interrupted import resumes where it stopped when rerun',
    )
    .argument('<file>', 'one report a line: NDJSON objects, or CSV under a header, with nodeId, bucketId, at, status, latencyMs')
    .option('--batch-size <n>', `reports per request, at most ${MAX_BATCH}`, '5000')
    .option('--state <file>', 'where progress is kept between runs (default: FILE.fbstats-import.json)')
    .option('--json', 'print the summary as JSON')
    .addHelpText('after', IMPORT_HELP)
    .action(async (file: string, options: ImportCommandOptions, command: Command) => {
      const batchSize = batchSizeOf(options.batchSize);
      const client = context.service(command);
      const result = await importReportFile({
        file,
        statePath: options.state ?? statePathFor(file),
        batchSize,
        client,
        progress: progressFor(context.io.stderr),
        signal: context.io.interruption(),
      });
      if (!result.complete) {
        context.err(`interrupted after line ${result.lastLine}; run the same command again to resume`);
        context.exitCode = ExitCode.interrupted;
      }
      const summary = { file, complete: result.complete, ...result.totals, resumedAfterLine: result.resumedAfterLine };
      context.print(options.json, { ...summary, seconds: result.seconds }, summaryLine(file, result));
    });
}
