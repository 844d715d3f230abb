import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { LoadOptions, LoadResult } from './http-load.js';

const run = promisify(execFile);

// wrk is written in C and runs one thread: it leaves the service (nearly) a
// whole core of the two, where a Node load generator took one for itself and
// held the bare baseline back, flattering every ratio (issue 16).
const SCRIPT = `
wrk.method = os.getenv("WRK_METHOD")
wrk.body = os.getenv("WRK_BODY")
for name, value in string.gmatch(os.getenv("WRK_HEADERS"), "([^\\n:]+): ([^\\n]*)") do
  wrk.headers[name] = value
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK_RESULT {"requests":%d,"durationUs":%d,"errors":%d,"non2xx":%d,"p50Us":%d,"p99Us":%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99)))
end
`;

/** Installs Debian's wrk when it is missing, saying so (as `.ci/run` does for Chromium). */
export function ensureWrk(log: (line: string) => void): void {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
  } catch (error) {
    // `wrk --version` exits 1 after printing its version: only a missing binary is ENOENT.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return;
    log('wrk is missing: installing Debian package wrk (apt-get install -y wrk)');
    execFileSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk'], {
      stdio: 'inherit',
    });
  }
}

/**
 * Drives one URL with wrk: one thread, `connections` (32) connections, for `seconds`.
 *
 * @example
 * const result = await wrkLoad({ url, method: 'POST', body, headers, seconds: 10 });
 */
export async function wrkLoad(options: LoadOptions): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'wrk-'));
  const script = join(dir, 'load.lua');
  writeFileSync(script, SCRIPT);
  const headers = { 'content-type': 'application/json', ...options.headers };
  try {
    const { stdout } = await run(
      'wrk',
      ['-t1', `-c${options.connections ?? 32}`, `-d${options.seconds}s`, '-s', script, options.url],
      {
        env: {
          ...process.env,
          WRK_METHOD: options.method,
          WRK_BODY: options.body ?? '',
          WRK_HEADERS: Object.entries(headers)
            .map(([name, value]) => `${name}: ${value}`)
            .join('\n'),
        },
      },
    );
    const line = stdout.split('\n').find((l) => l.startsWith('WRK_RESULT '));
    if (!line) throw new Error(`wrk printed no result:\n${stdout}`);
    const r = JSON.parse(line.slice('WRK_RESULT '.length)) as Record<string, number>;
    return {
      requestsPerSecond: (r.requests! / r.durationUs!) * 1e6,
      p50Ms: r.p50Us! / 1000,
      p99Ms: r.p99Us! / 1000,
      errors: r.errors!,
      non2xx: r.non2xx!,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
