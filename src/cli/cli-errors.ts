/** The process exit codes of `fbstats`. */
export const ExitCode = {
  ok: 0,
  /** The service refused, could not be reached, or a local file could not be used. */
  failure: 1,
  /** The command line itself was wrong (commander's own errors included). */
  usage: 2,
  /** Stopped by SIGINT/SIGTERM before it finished; rerunning resumes where that applies. */
  interrupted: 130,
} as const;

/**
 * A command line that cannot work as written (a malformed option value, a
 * missing token): exit code 2, like commander's own usage errors.
 *
 * @example
 * throw new UsageError('--bucket must be <bucketId>=<probe URL>');
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * A local failure with a message for a person (a file that cannot be read,
 * a key that is not Ed25519): exit code 1, no stack trace.
 *
 * @example
 * throw new CliError(`cannot read ${file}: ${reason}`);
 */
export class CliError extends Error {
  override name = 'CliError';
}
