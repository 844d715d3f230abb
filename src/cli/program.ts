import { Command } from 'commander';
import { serviceOptions, type CommandContext } from './command-context.js';
import { registerAgentCommands } from './commands/agent-command.js';
import { registerAlertCommands } from './commands/alert-command.js';
import { registerBackupCommand } from './commands/backup-command.js';
import { registerBucketCommands } from './commands/bucket-command.js';
import { registerImportCommand } from './commands/import-command.js';
import { registerMaintenanceCommands } from './commands/maintenance-command.js';
import { registerMemberCommands } from './commands/member-command.js';
import { registerNodeCommands } from './commands/node-command.js';
import { registerReportCommands } from './commands/report-command.js';
import { registerStatsCommand } from './commands/stats-command.js';
import { registerTokenCommands } from './commands/token-command.js';
import { registerUserCommands } from './commands/user-command.js';
import { registerWorkspaceCommands } from './commands/workspace-command.js';
import { packageVersion } from './package-version.js';

/**
 * The whole `fbstats` command tree, writing through the context's I/O and
 * throwing instead of exiting, so that `main` decides the exit code.
 *
 * @example
 * await buildProgram(new CommandContext(io)).parseAsync(['workspace', 'list'], { from: 'user' });
 */
export function buildProgram(context: CommandContext): Command {
  const { io } = context;
  const program = new Command('fbstats')
    .description('Operate the Flashback bucket statistics service, import history, and run the bridge-node agent.')
    .version(packageVersion(), '-V, --version', 'print the version of fbstats')
    // Program options only before the subcommand: `node create --version 1.2.3`
    // is the node's version, not a request for fbstats's own.
    .enablePositionalOptions()
    // Set before the subcommands are added, which copy these settings.
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .showHelpAfterError('(add --help for usage)');
  for (const option of serviceOptions()) program.addOption(option);

  registerUserCommands(program, context);
  registerTokenCommands(program, context);
  registerWorkspaceCommands(program, context);
  registerMemberCommands(program, context);
  registerBucketCommands(program, context);
  registerMaintenanceCommands(program, context);
  registerNodeCommands(program, context);
  registerStatsCommand(program, context);
  registerReportCommands(program, context);
  registerAlertCommands(program, context);
  registerImportCommand(program, context);
  registerAgentCommands(program, context);
  registerBackupCommand(program, context);
  return program;
}
