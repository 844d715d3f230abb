// `pacedLoad` in a process of its own: the scale bench's stats calls, timed away from the event loop that
// signs the steady ingest (16 667 entries a second at a million series), which held every answer's timing
// back by the signing in front of it. Run as a child by `pacedLoadProcess`; a message starts and stops it.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pacedLoad, type PacedSample } from './paced-load.js';

interface Start {
  urls: string[];
  body: string;
  headers: Record<string, string>;
  perSecond: number;
}

/**
 * As `pacedLoad`, each request to one of `urls` picked at random, from a child process: its timings are not
 * delayed by this process's own work. Resolves once the child is sending.
 *
 * @example
 * const stats = await pacedLoadProcess(bucketUrls, '{"day":"2024-01-15"}', { authorization: 'Bearer t' }, 200);
 * const samples = await stats.stop();
 */
export async function pacedLoadProcess(
  urls: readonly string[],
  body: string,
  headers: Record<string, string>,
  perSecond: number,
): Promise<{ stop(): Promise<PacedSample[]>; cpuSeconds(): number }> {
  const child = fork(fileURLToPath(import.meta.url), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const message = <T>(): Promise<T> =>
    new Promise((resolve, reject) => {
      child.once('message', (value) => resolve(value as T));
      child.once('exit', (code) => reject(new Error(`the stats load's process exited (code ${code})`)));
    });
  const started = message<'sending'>();
  child.send({ urls: [...urls], body, headers, perSecond } satisfies Start);
  await started;
  let cpu = 0;
  return {
    stop: async () => {
      const answer = message<{ samples: PacedSample[]; cpuSeconds: number }>();
      child.send('stop');
      const { samples, cpuSeconds } = await answer;
      cpu = cpuSeconds;
      await exited;
      return samples;
    },
    cpuSeconds: () => cpu,
  };
}

if (process.send && process.argv[1] === fileURLToPath(import.meta.url)) {
  process.once('message', (start: Start) => {
    const { urls, body, headers, perSecond } = start;
    const load = pacedLoad(() => urls[Math.floor(Math.random() * urls.length)] as string, body, headers, perSecond);
    process.send?.('sending');
    process.once('message', () => {
      void load.stop().then((samples) => {
        const { user, system } = process.cpuUsage();
        process.send?.({ samples, cpuSeconds: (user + system) / 1e6 }, () => process.exit(0));
      });
    });
  });
}
