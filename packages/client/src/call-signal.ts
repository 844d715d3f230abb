/** The signal one call runs under: the caller's, and its timeout. */
export interface CallSignal {
  signal: AbortSignal | undefined;
  /** Whether the timeout, not the caller, ended the call. */
  timedOut(): boolean;
  /** Stops the timer and stops listening to the caller's signal; once the call is over. */
  release(): void;
}

/**
 * One signal that aborts when the caller's does or when `timeoutMs` passes,
 * made by hand rather than with `AbortSignal.any` (not in Node 18, which
 * the package supports).
 *
 * @example
 * const call = callSignal(options.signal, 30_000);
 * try { await fetch(url, { signal: call.signal }); } finally { call.release(); }
 */
export function callSignal(caller: AbortSignal | undefined, timeoutMs: number | undefined): CallSignal {
  if (timeoutMs === undefined) return { signal: caller, timedOut: () => false, release: () => undefined };
  const controller = new AbortController();
  let timedOut = false;
  const onAbort = (): void => controller.abort(caller?.reason);
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException('no answer in time', 'TimeoutError'));
  }, timeoutMs);
  if (caller?.aborted) onAbort();
  else caller?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    release: () => {
      clearTimeout(timer);
      caller?.removeEventListener('abort', onAbort);
    },
  };
}
