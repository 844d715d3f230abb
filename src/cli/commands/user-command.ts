import type { Command } from 'commander';
import { withServiceOptions, type CommandContext } from '../command-context.js';
import { JSON_OPTION_HELP } from './option-help.js';

/**
 * `fbstats user create --email E --name N` (operator): `POST /admin/users`.
 *
 * @example
 * registerUserCommands(program, context);
 */
export function registerUserCommands(program: Command, context: CommandContext): void {
  const user = program.command('user').description('users of the service (operator token)');

  withServiceOptions(user.command('create'))
    .description('create a user; an email already taken is refused')
    .requiredOption('--email <email>', "the user's email address, unique")
    .requiredOption('--name <name>', "the user's display name")
    .option('--json', JSON_OPTION_HELP)
    .action(async (options: { email: string; name: string; json?: boolean }, command: Command) => {
      const answer = await context.service(command).createUser({ email: options.email, name: options.name });
      context.print(options.json, answer, `created user ${answer.user.id} (${answer.user.email})`);
    });
}
