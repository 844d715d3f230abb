import type {
  AlertDeliveriesQuery,
  AlertDelivery,
  AlertDeliveryStatus,
  AlertEventType,
  AlertRule,
  AlertRuleEvent,
} from '@flashback/bucket-stats-client';
import type { Command } from 'commander';
import { UsageError } from '../cli-errors.js';
import { withServiceOptions, type CommandContext } from '../command-context.js';
import { formatTable, orDash } from '../output-table.js';
import { registerChannelCommands } from './alert-channel-command.js';
import {
  DELIVERY_STATUSES,
  EVENT_TYPES,
  RULE_EVENTS,
  id,
  idList,
  limit,
  listOf,
  oneOf,
  percentage,
  seconds,
} from './alert-options.js';
import { JSON_OPTION_HELP } from './option-help.js';

type Json = { json?: boolean };

interface RuleOptions extends Json {
  name: string;
  events: AlertRuleEvent[];
  channels: string[];
  buckets?: string[];
  for?: number;
  uptimeBelow?: number;
}

function registerRuleCommands(alert: Command, context: CommandContext): void {
  const rule = alert.command('rule').description('which events go to which channels');

  withServiceOptions(rule.command('add'))
    .description('add a rule (ADMIN)')
    .argument('<workspaceId>', 'the workspace')
    .requiredOption('--name <name>', 'what people call it')
    .requiredOption('--events <events>', `comma-separated: ${RULE_EVENTS.join(', ')}`, listOf(RULE_EVENTS))
    .requiredOption('--channels <ids>', 'channel ids, comma-separated', idList)
    .option('--buckets <ids>', 'only these buckets, comma-separated (default: every bucket, also later ones)', idList)
    .option('--for <seconds>', 'send node.down only once a node has been down this long (default 0)', seconds)
    .option('--uptime-below <percent>', "uptime.below when a node's day falls below this", percentage)
    .option('--json', JSON_OPTION_HELP)
    .action(async (workspaceId: string, o: RuleOptions, command: Command) => {
      if (o.events.includes('uptime.below') !== (o.uptimeBelow !== undefined))
        throw new UsageError('uptime.below and --uptime-below go together');
      const answer = await context.service(command).createAlertRule(workspaceId, {
        name: o.name,
        events: o.events,
        channelIds: o.channels,
        ...(o.buckets !== undefined && { bucketIds: o.buckets }),
        ...(o.for !== undefined && { forSeconds: o.for }),
        ...(o.uptimeBelow !== undefined && { uptimeBelow: o.uptimeBelow }),
      });
      context.print(
        o.json,
        answer,
        `added alert rule ${answer.rule.id}: ${o.events.join(', ')} → ${o.channels.length} channel(s)`,
      );
    });

  withServiceOptions(rule.command('list'))
    .description("list the workspace's rules")
    .argument('<workspaceId>', 'the workspace')
    .option('--json', JSON_OPTION_HELP)
    .action(async (workspaceId: string, o: Json, command: Command) => {
      const answer = await context.service(command).getAlertRules(workspaceId);
      if (o.json) return context.out(JSON.stringify(answer, null, 2));
      if (answer.rules.length === 0) return context.out('no alert rules');
      context.out(
        formatTable<AlertRule>(
          [
            { header: 'id', cell: (r) => r.id },
            { header: 'name', cell: (r) => r.name },
            { header: 'events', cell: (r) => r.events.join(',') },
            { header: 'buckets', cell: (r) => (r.bucketIds.length === 0 ? 'all' : r.bucketIds.join(',')) },
            { header: 'channels', cell: (r) => r.channelIds.join(',') },
            { header: 'for', cell: (r) => `${r.forSeconds}s`, align: 'right' },
            { header: 'below', cell: (r) => (r.uptimeBelow === null ? '-' : `${r.uptimeBelow}%`), align: 'right' },
          ],
          answer.rules,
        ),
      );
    });

  withServiceOptions(rule.command('rm'))
    .description('delete a rule (ADMIN)')
    .argument('<workspaceId>', 'the workspace')
    .argument('<ruleId>', 'the rule')
    .option('--json', JSON_OPTION_HELP)
    .action(async (workspaceId: string, ruleId: string, o: Json, command: Command) => {
      const answer = await context.service(command).deleteAlertRule(workspaceId, ruleId);
      context.print(o.json, answer, `removed alert rule ${ruleId}`);
    });
}

interface DeliveryOptions extends Json {
  channel?: string;
  event?: AlertEventType;
  status?: AlertDeliveryStatus;
  limit?: number;
}

/**
 * `fbstats alert channel add|list|rm|test`, `fbstats alert rule add|list|rm`
 * and `fbstats alert deliveries`: a workspace's alerts (alerts.md). ADMIN
 * members manage channels and rules; any member lists.
 *
 * @example
 * registerAlertCommands(program, context);
 */
export function registerAlertCommands(program: Command, context: CommandContext): void {
  const alert = program.command('alert').description("a workspace's alerts: channels, rules and deliveries");
  registerChannelCommands(alert, context);
  registerRuleCommands(alert, context);

  withServiceOptions(alert.command('deliveries'))
    .description('every try of every delivery, newest first')
    .argument('<workspaceId>', 'the workspace')
    .option('--channel <id>', 'only this channel', id)
    .option('--event <type>', EVENT_TYPES.join(', '), oneOf(EVENT_TYPES))
    .option('--status <status>', DELIVERY_STATUSES.join(', '), oneOf(DELIVERY_STATUSES))
    .option('--limit <n>', 'at most this many, 1-500 (default 100)', limit)
    .option('--json', JSON_OPTION_HELP)
    .action(async (workspaceId: string, o: DeliveryOptions, command: Command) => {
      const query: AlertDeliveriesQuery = {
        ...(o.channel !== undefined && { channelId: o.channel }),
        ...(o.event !== undefined && { eventType: o.event }),
        ...(o.status !== undefined && { status: o.status }),
        ...(o.limit !== undefined && { limit: o.limit }),
      };
      const answer = await context.service(command).getAlertDeliveries(workspaceId, query);
      if (o.json) return context.out(JSON.stringify(answer, null, 2));
      if (answer.deliveries.length === 0) return context.out('no deliveries');
      context.out(
        formatTable<AlertDelivery>(
          [
            { header: 'when', cell: (d) => orDash(d.attemptedAt ?? d.nextAttemptAt) },
            { header: 'event', cell: (d) => d.eventType },
            { header: 'channel', cell: (d) => d.channelId },
            { header: 'try', cell: (d) => String(d.attempt), align: 'right' },
            { header: 'status', cell: (d) => d.status },
            { header: 'http', cell: (d) => orDash(d.httpStatus), align: 'right' },
            { header: 'ms', cell: (d) => orDash(d.durationMs), align: 'right' },
            { header: 'error', cell: (d) => orDash(d.error) },
          ],
          answer.deliveries,
        ),
      );
    });
}
