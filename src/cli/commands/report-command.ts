import { writeFile } from 'node:fs/promises';
import type { IncidentInfo, NodeReport } from '@flashback/bucket-stats-client';
import type { Command } from 'commander';
import { CliError, UsageError } from '../cli-errors.js';
import { withServiceOptions, type CommandContext } from '../command-context.js';
import { formatTable, orDash, type Column } from '../output-table.js';
import { JSON_OPTION_HELP } from './option-help.js';
import { utcDay } from './stats-command.js';

const pct = (value: number | null): string => (value === null ? '-' : value.toFixed(2));
const minutes = (ms: number | null): string => (ms === null ? '-' : (ms / 60_000).toFixed(1));

const REPORT_COLUMNS: ReadonlyArray<Column<NodeReport>> = [
  { header: 'host', cell: (n) => n.host },
  { header: 'ip', cell: (n) => n.ip },
  { header: 'sla %', cell: (n) => pct(n.perc_uptime_sla), align: 'right' },
  { header: 'uptime %', cell: (n) => pct(n.perc_uptime), align: 'right' },
  { header: 'down min', cell: (n) => minutes(n.downtimeMs), align: 'right' },
  { header: 'incidents', cell: (n) => String(n.incidents), align: 'right' },
  { header: 'longest min', cell: (n) => minutes(n.longestIncidentMs), align: 'right' },
  { header: 'avg ms', cell: (n) => orDash(n.avg_latency_ms), align: 'right' },
  {
    header: 'p95 ms',
    cell: (n) => orDash(n.p95_latency_ms === null ? null : Math.round(n.p95_latency_ms * 100) / 100),
    align: 'right',
  },
];

const INCIDENT_COLUMNS: ReadonlyArray<Column<IncidentInfo>> = [
  { header: 'start', cell: (i) => i.start },
  { header: 'end', cell: (i) => i.end ?? 'ongoing' },
  { header: 'host', cell: (i) => i.host },
  { header: 'ip', cell: (i) => i.ip },
  { header: 'min', cell: (i) => minutes(i.durationMs), align: 'right' },
  { header: 'offline min', cell: (i) => minutes(i.offlineMs), align: 'right' },
  { header: 'maint. min', cell: (i) => minutes(i.maintenanceMs), align: 'right' },
];

/**
 * The period of `--month YYYY-MM` (up to `today` for the current month), or
 * of `--from` and `--to` (both needed without `--month`, neither with it).
 *
 * @example
 * periodOf({ month: '2026-02' }, '2026-12-02') // { from: '2026-02-01', to: '2026-02-28' }
 */
export function periodOf(options: { month?: string; from?: string; to?: string }, today: string): { from: string; to: string } {
  if (options.month !== undefined) {
    if (options.from !== undefined || options.to !== undefined)
      throw new UsageError('give --month, or --from and --to, not both');
    const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(options.month);
    if (!match) throw new UsageError(`--month must be YYYY-MM, got ${JSON.stringify(options.month)}`);
    const [year, month] = [Number(match[1]), Number(match[2])];
    const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
    const to = `${options.month}-${String(last).padStart(2, '0')}`;
    return { from: `${options.month}-01`, to: to > today && `${options.month}-01` <= today ? today : to };
  }
  if (options.from === undefined || options.to === undefined) throw new UsageError('give --month YYYY-MM, or --from and --to');
  return { from: options.from, to: options.to };
}

interface ReportOptions {
  month?: string;
  from?: string;
  to?: string;
  csv?: boolean;
  pdf?: string;
  json?: boolean;
}

/**
 * `fbstats report BUCKET_ID --month YYYY-MM | --from D --to D [--csv | --pdf FILE | --json]`
 * and `fbstats incidents BUCKET_ID --from D --to D [--json]`: the SLA report
 * of a period and its incidents (`sla.md`).
 *
 * @example
 * registerReportCommands(program, context);
 */
export function registerReportCommands(program: Command, context: CommandContext): void {
  withServiceOptions(program.command('report'))
    .description("a bucket's SLA report over a month or a span of days: a table, CSV, PDF or JSON")
    .argument('<bucketId>', 'the bucket')
    .option('--month <YYYY-MM>', 'a calendar month (UTC; the current one up to today)')
    .option('--from <day>', 'the first UTC day, YYYY-MM-DD')
    .option('--to <day>', 'the last UTC day, included')
    .option('--csv', 'print the CSV (one line per node)')
    .option('--pdf <file>', 'write the one-page PDF to this file')
    .option('--json', JSON_OPTION_HELP)
    .action(async (bucketId: string, options: ReportOptions, command: Command) => {
      const period = periodOf(options, utcDay(context.io.now()));
      if ([options.csv, options.pdf !== undefined, options.json].filter(Boolean).length > 1) {
        throw new UsageError('give at most one of --csv, --pdf and --json');
      }
      const service = context.service(command);
      if (options.csv) return context.out((await service.getBucketReportCsv(bucketId, period)).trimEnd());
      if (options.pdf !== undefined) {
        const bytes = await service.getBucketReportPdf(bucketId, period);
        try {
          await writeFile(options.pdf, bytes);
        } catch (error) {
          throw new CliError(`cannot write ${options.pdf}: ${(error as Error).message}`);
        }
        return context.out(`wrote ${options.pdf} (${bytes.length} bytes)`);
      }
      const answer = await service.getBucketReport(bucketId, period);
      if (options.json) return context.out(JSON.stringify(answer, null, 2));
      const b = answer.bucket;
      context.out(
        `${answer.from} to ${answer.to}: availability ${pct(b.perc_uptime_sla)} % (uptime ${pct(b.perc_uptime)} %), ` +
          `downtime ${minutes(b.downtimeMs)} min, ${b.incidents} incidents, maintenance ${minutes(b.maintenanceMs)} min`,
      );
      if (answer.nodes.length > 0) context.out(formatTable(REPORT_COLUMNS, answer.nodes));
    });

  withServiceOptions(program.command('incidents'))
    .description("a bucket's incidents over a span of days, newest first")
    .argument('<bucketId>', 'the bucket')
    .option('--month <YYYY-MM>', 'a calendar month (UTC; the current one up to today)')
    .option('--from <day>', 'the first UTC day, YYYY-MM-DD')
    .option('--to <day>', 'the last UTC day, included')
    .option('--json', JSON_OPTION_HELP)
    .action(async (bucketId: string, options: ReportOptions, command: Command) => {
      const answer = await context.service(command).getBucketIncidents(bucketId, periodOf(options, utcDay(context.io.now())));
      if (options.json) return context.out(JSON.stringify(answer, null, 2));
      if (answer.incidents.length === 0) return context.out(`no incidents from ${answer.from} to ${answer.to}`);
      context.out(formatTable(INCIDENT_COLUMNS, answer.incidents));
    });
}
