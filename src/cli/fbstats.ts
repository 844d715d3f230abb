#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CommanderError } from 'commander';
import { ExitCode, UsageError } from './cli-errors.js';
import { processIo, type CliIo } from './cli-io.js';
import { CommandContext } from './command-context.js';
import { buildProgram } from './program.js';
import { failureText } from './service-failure.js';

/** The exit code for what a command threw, after telling the user why. */
function failure(error: unknown, context: CommandContext): number {
  if (error instanceof CommanderError) {
    // commander has already printed its message (or the help).
    const clean = error.code === 'commander.helpDisplayed' || error.code === 'commander.version';
    return clean ? ExitCode.ok : ExitCode.usage;
  }
  if (error instanceof UsageError) {
    context.err(`error: ${error.message}`);
    return ExitCode.usage;
  }
  // The service's refusals with their status; anything else (a CliError included) by its message.
  context.err(`error: ${failureText(error)}`);
  return ExitCode.failure;
}

/**
 * Runs one `fbstats` command line and answers its exit code; it never calls
 * `process.exit`, so tests run commands in-process with captured output.
 *
 * @example
 * const code = await main(['user', 'create', '--email', 'ada@example.com', '--name', 'Ada', '--json'], io);
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const context = new CommandContext(io);
  try {
    await buildProgram(context).parseAsync([...argv], { from: 'user' });
    return context.exitCode;
  } catch (error) {
    return failure(error, context);
  }
}

/** Whether this file is the program node was started with (also through an npm bin symlink). */
function isMainModule(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMainModule()) {
  process.exitCode = await main(process.argv.slice(2));
}
