import type { Command } from 'commander';
import { withServiceOptions, type CommandContext } from '../command-context.js';
import { JSON_OPTION_HELP } from './option-help.js';

/**
 * `fbstats token create --user ID --name N [--expires ISO]` (operator) and
 * `fbstats token revoke ID` (the token's owner, or the operator).
 *
 * @example
 * registerTokenCommands(program, context);
 */
export function registerTokenCommands(program: Command, context: CommandContext): void {
  const token = program.command('token').description("users' bearer tokens");

  withServiceOptions(token.command('create'))
    .description('issue a bearer token to a user (operator); its secret is shown once')
    .requiredOption('--user <userId>', 'the user who will hold the token')
    .requiredOption('--name <name>', 'what the token is for, e.g. "laptop"')
    .option('--expires <time>', 'when it stops working: RFC 3339 with an offset, e.g. 2025-01-01T00:00:00Z')
    .option('--json', JSON_OPTION_HELP)
    .action(async (options: { user: string; name: string; expires?: string; json?: boolean }, command: Command) => {
      const answer = await context.service(command).createUserToken(options.user, {
        name: options.name,
        ...(options.expires !== undefined && { expiresAt: options.expires }),
      });
      context.print(
        options.json,
        answer,
        `created token ${answer.tokenId} for user ${options.user}; its secret, shown this once:\n${answer.token}`,
      );
    });

  withServiceOptions(token.command('revoke'))
    .description('revoke a token; it stops working at once')
    .argument('<tokenId>', 'the id shown when the token was created')
    .option('--json', JSON_OPTION_HELP)
    .action(async (tokenId: string, options: { json?: boolean }, command: Command) => {
      const answer = await context.service(command).revokeToken(tokenId);
      context.print(options.json, answer, `revoked token ${tokenId}`);
    });
}
