import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** A child process that printed `ready` (or the service's "listening" log line). */
export interface Child {
  process: ChildProcess;
  /** Peak resident memory so far, in bytes (VmHWM). */
  peakRss(): number;
  /** Resident memory now, in bytes (VmRSS). */
  rss(): number;
  /** CPU seconds used so far, all threads (utime + stime). */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

function memoryOf(pid: number | undefined, field: 'VmHWM' | 'VmRSS'): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

/**
 * CPU seconds of a process or thread from its `stat` file (`/proc/<pid>/stat`, `/proc/<pid>/task/<tid>/stat`):
 * utime and stime, its 14th and 15th fields, in clock ticks (100 a second on Linux), counted after the command
 * name, which may hold spaces and ends with ") ".
 */
export function statCpuSeconds(statPath: string): number {
  const stat = readFileSync(statPath, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

/**
 * Starts `node args...` and waits until it prints `ready`, or, with
 * `readyUrl`, until that URL answers 200.
 *
 * @example
 * const bare = await startChild(['--import', 'tsx', 'bench/bare-server.ts', '4001', body], {});
 */
export async function startChild(args: string[], env: NodeJS.ProcessEnv, readyUrl?: string): Promise<Child> {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (!readyUrl && /ready/.test(output)) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`child exited with ${code}: ${output.slice(-2000)}`)));
    if (readyUrl) {
      const poll = (): void => void answers(readyUrl).then((ok) => (ok ? resolve() : setTimeout(poll, 100)));
      poll();
    }
  });
  child.removeAllListeners('exit');
  // From here on the output is read and dropped (the service logs a line per request).
  child.stdout.removeAllListeners('data');
  child.stderr.removeAllListeners('data');
  child.stdout.resume();
  child.stderr.resume();
  return {
    process: child,
    peakRss: () => memoryOf(child.pid, 'VmHWM'),
    rss: () => memoryOf(child.pid, 'VmRSS'),
    cpuSeconds: () => statCpuSeconds(`/proc/${child.pid}/stat`),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
