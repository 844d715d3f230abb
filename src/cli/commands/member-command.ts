import { AccessType } from '@flashback/bucket-stats-client';
import { Option, type Command } from 'commander';
import { UsageError } from '../cli-errors.js';
import { withServiceOptions, type CommandContext } from '../command-context.js';
import { JSON_OPTION_HELP } from './option-help.js';

interface MemberOptions {
  workspace: string;
  user: string;
  role?: `${AccessType}`;
  json?: boolean;
}

const ROLES = Object.values(AccessType);

const roleOption = (help: string): Option => new Option('--role <role>', help).choices(ROLES);

/**
 * `fbstats member add|set|remove --workspace ID --user ID [--role R]`:
 * managing a workspace's members (its ADMINs, or the operator).
 *
 * @example
 * registerMemberCommands(program, context);
 */
export function registerMemberCommands(program: Command, context: CommandContext): void {
  const member = program.command('member').description("a workspace's members and their roles (workspace ADMIN)");

  const withTarget = (command: Command): Command =>
    withServiceOptions(command)
      .requiredOption('--workspace <workspaceId>', 'the workspace')
      .requiredOption('--user <userId>', 'the member')
      .option('--json', JSON_OPTION_HELP);

  withTarget(member.command('add').description('add a user to a workspace'))
    .addOption(roleOption("the new member's role").default('READ'))
    .action(async (options: MemberOptions, command: Command) => {
      const role = options.role ?? 'READ';
      const answer = await context.service(command).addUserToWorkspace(options.workspace, { userId: options.user, role });
      context.print(options.json, answer, `added user ${options.user} to workspace ${options.workspace} as ${role}`);
    });

  withTarget(member.command('set').description("change a member's role"))
    .addOption(roleOption('the new role (required)'))
    .action(async (options: MemberOptions, command: Command) => {
      if (options.role === undefined) throw new UsageError(`member set needs --role (${ROLES.join(', ')})`);
      const answer = await context
        .service(command)
        .updateWorkspaceUserRole(options.workspace, options.user, { role: options.role });
      context.print(options.json, answer, `user ${options.user} is now ${options.role} in workspace ${options.workspace}`);
    });

  withTarget(member.command('remove').description('remove a member from a workspace')).action(
    async (options: MemberOptions, command: Command) => {
      const answer = await context.service(command).removeUserFromWorkspace(options.workspace, options.user);
      context.print(options.json, answer, `removed user ${options.user} from workspace ${options.workspace}`);
    },
  );
}
