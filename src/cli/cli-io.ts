/** Something text is written to: `process.stdout`, or a test's capture. */
export interface TextSink {
  write(text: string): unknown;
  /** Only a terminal gets a progress bar. */
  isTTY?: boolean;
}

/**
 * Everything a command reads from or writes to its surroundings, so that a
 * test can run the whole CLI in-process with captured output, its own
 * environment, clock and interruption.
 */
export interface CliIo {
  stdout: TextSink;
  stderr: TextSink;
  env: Readonly<Record<string, string | undefined>>;
  /**
   * Aborted when the user asks to stop (SIGINT/SIGTERM). Only long-running
   * commands ask for it, so that Ctrl-C still kills a hanging one-shot command.
   */
  interruption(): AbortSignal;
  /** Milliseconds since the epoch (the default `--day` of `stats`). */
  now(): number;
  fetch?: typeof fetch;
}

/**
 * The real process's streams, environment and signals. The first SIGINT or
 * SIGTERM aborts the signal (a clean stop); a second one exits at once.
 *
 * @example
 * process.exitCode = await main(process.argv.slice(2), processIo());
 */
export function processIo(): CliIo {
  let controller: AbortController | undefined;
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    now: () => Date.now(),
    interruption() {
      if (!controller) {
        const abort = new AbortController();
        const onSignal = (signal: NodeJS.Signals): void => {
          if (abort.signal.aborted) process.exit(signal === 'SIGINT' ? 130 : 143);
          abort.abort(signal);
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
        controller = abort;
      }
      return controller.signal;
    },
  };
}

/**
 * Writes `text` and a newline.
 *
 * @example
 * writeLine(io.stderr, 'line 7: not valid JSON');
 */
export function writeLine(sink: TextSink, text: string): void {
  sink.write(`${text}\n`);
}
