import type { MaintenanceWindow, MaintenanceWindowRequest } from '@flashback/bucket-stats-client';
import { InvalidArgumentError, type Command } from 'commander';
import { parseDateTime } from '../../time/instant.js';
import { UsageError } from '../cli-errors.js';
import { withServiceOptions, type CommandContext } from '../command-context.js';
import { formatTable, orDash } from '../output-table.js';
import { JSON_OPTION_HELP } from './option-help.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Checked here, before anything is sent: a typo is a usage error (exit 2), not a round trip.
function instant(value: string): string {
  if (parseDateTime(value) === undefined) {
    throw new InvalidArgumentError('expected an RFC 3339 date-time with an offset, e.g. 2030-01-06T02:00:00Z');
  }
  return value;
}

function minutes(value: string): number {
  const n = /^\d{1,4}$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= 1440)) throw new InvalidArgumentError('expected whole minutes, 1-1440');
  return n;
}

function nodeList(value: string): string[] {
  const ids = value.split(',').map((id) => id.trim());
  if (ids.some((id) => !UUID.test(id))) throw new InvalidArgumentError('expected node ids (UUIDs) separated by commas');
  return ids;
}

interface AddOptions {
  start: string;
  end?: string;
  rrule?: string;
  duration?: number;
  until?: string;
  nodes?: string[];
  reason?: string;
  json?: boolean;
}

/** The request of `maintenance add`, from options that already passed their own checks. */
function windowRequest(options: AddOptions): MaintenanceWindowRequest {
  return {
    start: options.start,
    ...(options.end !== undefined && { end: options.end }),
    ...(options.rrule !== undefined && { rrule: options.rrule }),
    ...(options.duration !== undefined && { durationMinutes: options.duration }),
    ...(options.until !== undefined && { until: options.until }),
    ...(options.nodes !== undefined && { nodeIds: options.nodes }),
    ...(options.reason !== undefined && { reason: options.reason }),
  };
}

/** When a window is in force, for a person: `start → end`, or the rule. */
function describeWhen(w: MaintenanceWindow): string {
  if (w.rrule === null) return `${w.start} → ${w.end ?? ''}`;
  return `${w.rrule} from ${w.start}, ${w.durationMinutes} min${w.until === null ? '' : ` until ${w.until}`}`;
}

/**
 * `fbstats maintenance add|list|rm`: a bucket's announced maintenance
 * windows (WRITE or ADMIN to add and remove; any member lists).
 *
 * @example
 * registerMaintenanceCommands(program, context);
 */
export function registerMaintenanceCommands(program: Command, context: CommandContext): void {
  const maintenance = program.command('maintenance').description("a bucket's maintenance windows (announced, never retroactive)");

  withServiceOptions(maintenance.command('add'))
    .description('announce a window: --start with --end, or --start with --rrule and --duration')
    .argument('<bucketId>', 'the bucket')
    .requiredOption('--start <time>', 'where it begins (not before now): RFC 3339 with an offset', instant)
    .option('--end <time>', 'end of a one-off window (exclusive)', instant)
    .option('--rrule <rule>', 'RFC 5545 RRULE evaluated in UTC from --start, e.g. FREQ=WEEKLY;BYDAY=SU')
    .option('--duration <minutes>', 'length of each occurrence of --rrule, 1-1440', minutes)
    .option('--until <time>', 'no occurrence of --rrule starts after this instant', instant)
    .option('--nodes <ids>', 'only these nodes, comma-separated (default: every node of the bucket)', nodeList)
    .option('--reason <text>', 'why, for the people who read the window')
    .option('--json', JSON_OPTION_HELP)
    .action(async (bucketId: string, options: AddOptions, command: Command) => {
      if ((options.end === undefined) === (options.rrule === undefined))
        throw new UsageError('give either --end or --rrule (with --duration)');
      if (options.rrule !== undefined && options.duration === undefined) throw new UsageError('--rrule needs --duration');
      const answer = await context.service(command).createMaintenanceWindow(bucketId, windowRequest(options));
      context.print(options.json, answer, `added maintenance window ${answer.window.id}: ${describeWhen(answer.window)}`);
    });

  withServiceOptions(maintenance.command('list'))
    .description("list a bucket's windows as they are now")
    .argument('<bucketId>', 'the bucket')
    .option('--json', JSON_OPTION_HELP)
    .action(async (bucketId: string, options: { json?: boolean }, command: Command) => {
      const answer = await context.service(command).getMaintenanceWindows(bucketId);
      if (options.json) return context.out(JSON.stringify(answer, null, 2));
      if (answer.windows.length === 0) return context.out('no maintenance windows');
      context.out(
        formatTable<MaintenanceWindow>(
          [
            { header: 'id', cell: (w) => w.id },
            { header: 'when', cell: describeWhen },
            { header: 'nodes', cell: (w) => (w.nodeIds === null ? 'all' : w.nodeIds.join(',')) },
            { header: 'reason', cell: (w) => orDash(w.reason) },
            { header: 'created', cell: (w) => `${w.createdAt}${w.imported ? ' (imported)' : ''}` },
          ],
          answer.windows,
        ),
      );
    });

  withServiceOptions(maintenance.command('rm'))
    .description('end a window now (the part already past keeps counting)')
    .argument('<bucketId>', 'the bucket')
    .argument('<windowId>', 'the window')
    .option('--json', JSON_OPTION_HELP)
    .action(async (bucketId: string, windowId: string, options: { json?: boolean }, command: Command) => {
      const answer = await context.service(command).deleteMaintenanceWindow(bucketId, windowId);
      context.print(options.json, answer, `removed maintenance window ${windowId}`);
    });
}
