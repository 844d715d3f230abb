import type { AlertChannel, AlertChannelKind } from '@flashback/bucket-stats-client';
import type { Command } from 'commander';
import { UsageError } from '../cli-errors.js';
import { withServiceOptions, type CommandContext } from '../command-context.js';
import { formatTable, orDash } from '../output-table.js';
import { CHANNEL_KINDS, oneOf } from './alert-options.js';
import { JSON_OPTION_HELP } from './option-help.js';

type Json = { json?: boolean };

const channelState = (c: AlertChannel): string => (c.enabled ? 'enabled' : `disabled: ${orDash(c.disabledReason)}`);

/**
 * `fbstats alert channel add|list|rm|test`: where a workspace's alerts go.
 *
 * @example
 * registerChannelCommands(program.command('alert'), context);
 */
export function registerChannelCommands(alert: Command, context: CommandContext): void {
  const channel = alert.command('channel').description('where alerts go: webhook, slack, discord or email');

  withServiceOptions(channel.command('add'))
    .description('add a channel (ADMIN); a webhook channel answers its signing secret, shown this once')
    .argument('<workspaceId>', 'the workspace')
    .requiredOption('--name <name>', 'what people call it')
    .requiredOption('--kind <kind>', CHANNEL_KINDS.join(', '), oneOf(CHANNEL_KINDS))
    .option('--target <url>', 'the http(s) URL of a webhook, Slack or Discord channel (--url is the service)')
    .option('--email <address>', 'the address of an email channel')
    .option('--json', JSON_OPTION_HELP)
    .action(
      async (
        workspaceId: string,
        o: Json & { name: string; kind: AlertChannelKind; target?: string; email?: string },
        command: Command,
      ) => {
        if (
          o.kind === 'email' ? o.email === undefined || o.target !== undefined : o.target === undefined || o.email !== undefined
        )
          throw new UsageError(
            o.kind === 'email'
              ? 'an email channel takes --email, not --target'
              : `a ${o.kind} channel takes --target, not --email`,
          );
        const answer = await context.service(command).createAlertChannel(workspaceId, {
          name: o.name,
          kind: o.kind,
          ...(o.target !== undefined ? { url: o.target } : { email: o.email }),
        });
        const secret = answer.secret ? `\nsigning secret (shown this once, keep it): ${answer.secret}` : '';
        context.print(o.json, answer, `added ${o.kind} channel ${answer.channel.id} → ${answer.channel.target}${secret}`);
      },
    );

  withServiceOptions(channel.command('list'))
    .description("list the workspace's channels")
    .argument('<workspaceId>', 'the workspace')
    .option('--json', JSON_OPTION_HELP)
    .action(async (workspaceId: string, o: Json, command: Command) => {
      const answer = await context.service(command).getAlertChannels(workspaceId);
      if (o.json) return context.out(JSON.stringify(answer, null, 2));
      if (answer.channels.length === 0) return context.out('no alert channels');
      context.out(
        formatTable<AlertChannel>(
          [
            { header: 'id', cell: (c) => c.id },
            { header: 'name', cell: (c) => c.name },
            { header: 'kind', cell: (c) => c.kind },
            { header: 'target', cell: (c) => c.target },
            { header: 'state', cell: channelState },
          ],
          answer.channels,
        ),
      );
    });

  withServiceOptions(channel.command('rm'))
    .description('delete a channel (ADMIN)')
    .argument('<workspaceId>', 'the workspace')
    .argument('<channelId>', 'the channel')
    .option('--json', JSON_OPTION_HELP)
    .action(async (workspaceId: string, channelId: string, o: Json, command: Command) => {
      const answer = await context.service(command).deleteAlertChannel(workspaceId, channelId);
      context.print(o.json, answer, `removed alert channel ${channelId}`);
    });

  withServiceOptions(channel.command('test'))
    .description('send a test event to a channel now (ADMIN); its delivery is listed by `alert deliveries`')
    .argument('<workspaceId>', 'the workspace')
    .argument('<channelId>', 'the channel')
    .option('--json', JSON_OPTION_HELP)
    .action(async (workspaceId: string, channelId: string, o: Json, command: Command) => {
      const answer = await context.service(command).testAlertChannel(workspaceId, channelId);
      context.print(o.json, answer, `sent test event ${answer.eventId} to channel ${channelId}`);
    });
}
