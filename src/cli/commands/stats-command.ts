import type { BucketNodeStatsDailyInfo } from '@flashback/bucket-stats-client';
import type { Command } from 'commander';
import { withServiceOptions, type CommandContext } from '../command-context.js';
import { formatTable, orDash, type Column } from '../output-table.js';
import { JSON_OPTION_HELP } from './option-help.js';

const STATS_COLUMNS: ReadonlyArray<Column<BucketNodeStatsDailyInfo>> = [
  { header: 'host', cell: (s) => s.host },
  { header: 'ip', cell: (s) => s.ip },
  { header: 'version', cell: (s) => s.version },
  { header: 'status', cell: (s) => s.node_status },
  { header: 'uptime %', cell: (s) => s.perc_uptime.toFixed(2), align: 'right' },
  { header: 'avg ms', cell: (s) => orDash(s.avg_latency_ms), align: 'right' },
  { header: 'last ms', cell: (s) => orDash(s.last_latency_ms), align: 'right' },
  { header: 'last updated', cell: (s) => s.last_updated },
];

/**
 * The daily statistics of a bucket as an aligned table, one row per node.
 *
 * @example
 * formatStatsTable(answer.nodeStats)
 * // host                            ip             version  status        uptime %  avg ms  last ms  last updated
 * // *-us-east-1-aws.flashback.tech  192.168.1.100  1.2.3    DISCONNECTED      0.74      45       30  2024-01-15T12:00:00.000Z
 */
export function formatStatsTable(nodeStats: readonly BucketNodeStatsDailyInfo[]): string {
  return formatTable(STATS_COLUMNS, nodeStats);
}

/** `YYYY-MM-DD` of the UTC day of `instant`. */
export function utcDay(instant: number): string {
  return new Date(instant).toISOString().slice(0, 10);
}

/**
 * `fbstats stats BUCKET_ID [--day D] [--json]`: `POST /bucket/{id}/stats` for
 * one UTC day (today by default).
 *
 * @example
 * registerStatsCommand(program, context);
 */
export function registerStatsCommand(program: Command, context: CommandContext): void {
  withServiceOptions(program.command('stats'))
    .description("a bucket's daily statistics per bridge node")
    .argument('<bucketId>', 'the bucket')
    .option('--day <day>', 'the UTC day: YYYY-MM-DD or an RFC 3339 date-time (default: today, UTC)')
    .option('--json', JSON_OPTION_HELP)
    .action(async (bucketId: string, options: { day?: string; json?: boolean }, command: Command) => {
      const day = options.day ?? utcDay(context.io.now());
      const answer = await context.service(command).getBucketNodeStats(bucketId, { day });
      if (options.json) return context.out(JSON.stringify(answer, null, 2));
      if (answer.nodeStats.length === 0) return context.out(`no node reported on bucket ${bucketId} by the end of ${day}`);
      context.out(formatStatsTable(answer.nodeStats));
    });
}
