import { Id } from '../../http/schemas/common-schemas.js';
import { UsageError } from '../cli-errors.js';
import type { BucketProbe } from './agent-loop.js';

const UUID = new RegExp(Id.pattern as string);

/**
 * One `--bucket <bucketId>=<probe URL>` value.
 *
 * @example
 * parseBucketProbe('0de06b50-f9ae-4174-a678-78128c2b463a=https://s3.amazonaws.com/invoices')
 */
export function parseBucketProbe(spec: string): BucketProbe {
  const split = spec.indexOf('=');
  const bucketId = spec.slice(0, split).trim();
  const url = spec.slice(split + 1).trim();
  if (split === -1 || !UUID.test(bucketId)) {
    throw new UsageError(`--bucket must be <bucketId>=<probe URL> with a UUID before the =, got ${JSON.stringify(spec)}`);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--bucket ${bucketId}: ${JSON.stringify(url)} is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`--bucket ${bucketId}: the probe URL must be http:// or https://`);
  }
  return { bucketId: bucketId.toLowerCase(), url };
}

/**
 * A duration option in seconds, fractions allowed (`0.2` in tests), as milliseconds.
 *
 * @example
 * secondsOption('--interval', '60') // 60000
 */
export function secondsOption(name: string, text: string): number {
  const seconds = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (!(seconds > 0)) throw new UsageError(`${name} must be a number of seconds above 0, got ${JSON.stringify(text)}`);
  return Math.round(seconds * 1000);
}

/**
 * A whole-number option of at least 1.
 *
 * @example
 * countOption('--buffer-max', '100000') // 100000
 */
export function countOption(name: string, text: string): number {
  const count = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(count >= 1 && Number.isSafeInteger(count))) {
    throw new UsageError(`${name} must be a whole number of at least 1, got ${JSON.stringify(text)}`);
  }
  return count;
}

/**
 * Commander's collector for repeated options.
 *
 * @example
 * command.option('--bucket <spec>', 'repeatable', collect, [])
 */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
