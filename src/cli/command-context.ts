import type { ApiClient } from '@flashback/bucket-stats-client';
import { Option, type Command } from 'commander';
import { UsageError } from './cli-errors.js';
import { writeLine, type CliIo } from './cli-io.js';
import { cliClient } from './cli-client.js';

export const DEFAULT_SERVICE_URL = 'http://127.0.0.1:3000';

/**
 * Adds `--url` and `--token` to a command that calls the service. The program
 * has them too (before the subcommand); the command's own win.
 *
 * @example
 * withServiceOptions(user.command('create')).requiredOption('--email <email>', '...')
 */
export function withServiceOptions(command: Command): Command {
  for (const option of serviceOptions()) command.addOption(option);
  return command;
}

/**
 * `--url` and `--token`, new each time (commander keeps state in them).
 *
 * @example
 * for (const option of serviceOptions()) program.addOption(option);
 */
export function serviceOptions(): Option[] {
  return [
    new Option('--url <url>', `the service (env FBSTATS_URL, default ${DEFAULT_SERVICE_URL})`),
    new Option('--token <token>', 'a bearer token: the operator token or a user token (env FBSTATS_TOKEN)'),
  ];
}

/** An option's value on the command itself, else on the nearest parent that has it. */
function inherited(command: Command, name: string): string | undefined {
  for (let current: Command | null = command; current; current = current.parent) {
    const value = current.getOptionValue(name) as unknown;
    if (typeof value === 'string') return value;
  }
  return undefined;
}

/**
 * What a command's action works with: the I/O, the service named by
 * `--url`/`--token` (or `FBSTATS_URL`/`FBSTATS_TOKEN`), and the exit code
 * it wants when it finishes without throwing.
 *
 * @example
 * const answer = await context.service(command).createUser({ email, name });
 * context.print(options.json, answer, `created user ${answer.user.id}`);
 */
export class CommandContext {
  exitCode = 0;

  constructor(readonly io: CliIo) {}

  /** The service's base URL: `--url`, else `FBSTATS_URL`, else the local default. */
  serviceUrl(command: Command): string {
    const url = inherited(command, 'url') ?? this.io.env.FBSTATS_URL ?? DEFAULT_SERVICE_URL;
    if (!/^https?:\/\/[^/]/.test(url))
      throw new UsageError(`--url must be an http:// or https:// URL, got ${JSON.stringify(url)}`);
    return url;
  }

  /** A client with the caller's bearer token; without one, a usage error. */
  service(command: Command): ApiClient {
    const baseUrl = this.serviceUrl(command);
    const token = inherited(command, 'token') ?? this.io.env.FBSTATS_TOKEN;
    if (token === undefined || token === '') {
      throw new UsageError('no token: pass --token or set FBSTATS_TOKEN (the operator token or a user token)');
    }
    const client = cliClient(baseUrl, this.io.fetch);
    client.setAuthToken(token);
    return client;
  }

  out(text: string): void {
    writeLine(this.io.stdout, text);
  }

  err(text: string): void {
    writeLine(this.io.stderr, text);
  }

  /** The service's answer as JSON with `--json`, otherwise a line for a person. */
  print(json: boolean | undefined, answer: unknown, human: string): void {
    this.out(json ? JSON.stringify(answer, null, 2) : human);
  }
}
