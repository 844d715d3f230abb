import { setTimeout as sleep } from 'node:timers/promises';

/** Whether better-sqlite3 failed because another connection holds the lock (SQLITE_BUSY and its extended codes). */
export function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/** How long the writer thread tries again on a busy file before it gives up (as its `busy_timeout` would). */
export const BUSY_RETRY_LIMIT_MS = 60_000;

// Most locks are held for one group commit (milliseconds): start short, never sleep long.
const FIRST_WAIT_MS = 1;
const LONGEST_WAIT_MS = 50;

/**
 * Runs `attempt` until it does not fail with SQLITE_BUSY, sleeping between
 * tries without blocking the thread (better-sqlite3's own `busy_timeout`
 * sleeps inside the call), for at most `limitMs` in all. Only for work that
 * a busy failure leaves undone: a `begin immediate`, or a statement outside
 * a transaction.
 *
 * @example
 * await retryWhileBusy(() => sqlite.prepare('begin immediate').run(), 60_000);
 */
export async function retryWhileBusy<T>(attempt: () => T, limitMs: number): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (let wait = FIRST_WAIT_MS; ; wait = Math.min(LONGEST_WAIT_MS, wait * 2)) {
    try {
      return attempt();
    } catch (error) {
      if (!isBusy(error) || Date.now() + wait > deadline) throw error;
    }
    await sleep(wait);
  }
}
