import type { WorkspaceWithRole } from '@flashback/bucket-stats-client';
import type { Command } from 'commander';
import { withServiceOptions, type CommandContext } from '../command-context.js';
import { formatTable } from '../output-table.js';
import { JSON_OPTION_HELP } from './option-help.js';

/**
 * `fbstats workspace create --name N [--owner ID]` and `fbstats workspace list`.
 * A user creating a workspace becomes its ADMIN; the operator must name the
 * owner with `--owner`.
 *
 * @example
 * registerWorkspaceCommands(program, context);
 */
export function registerWorkspaceCommands(program: Command, context: CommandContext): void {
  const workspace = program.command('workspace').description('workspaces: who may see which buckets');

  withServiceOptions(workspace.command('create'))
    .description('create a workspace; its owner becomes its ADMIN')
    .requiredOption('--name <name>', 'the workspace name')
    .option('--owner <userId>', 'the owning user (required with the operator token)')
    .option('--json', JSON_OPTION_HELP)
    .action(async (options: { name: string; owner?: string; json?: boolean }, command: Command) => {
      const answer = await context.service(command).createWorkspace({
        name: options.name,
        ...(options.owner !== undefined && { ownerId: options.owner }),
      });
      context.print(options.json, answer, `created workspace ${answer.workspace.id} (${answer.workspace.name})`);
    });

  withServiceOptions(workspace.command('list'))
    .description("list the caller's workspaces with the caller's role (every workspace for the operator)")
    .option('--json', JSON_OPTION_HELP)
    .action(async (options: { json?: boolean }, command: Command) => {
      const answer = await context.service(command).getWorkspaces();
      if (options.json) return context.out(JSON.stringify(answer, null, 2));
      if (answer.workspaces.length === 0) return context.out('no workspaces');
      context.out(
        formatTable<WorkspaceWithRole>(
          [
            { header: 'id', cell: (w) => w.id },
            { header: 'role', cell: (w) => w.role },
            { header: 'name', cell: (w) => w.name },
          ],
          answer.workspaces,
        ),
      );
    });
}
