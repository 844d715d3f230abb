import { readFileSync } from 'node:fs';

let cached: string | undefined;

/**
 * The version in the package's own `package.json` (two levels up from both
 * `src/cli/` and `dist/cli/`): what `fbstats --version` prints and what the
 * agent registers unless told otherwise.
 *
 * @example
 * packageVersion() // '0.1.0'
 */
export function packageVersion(): string {
  if (cached === undefined) {
    const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    cached = (JSON.parse(text) as { version?: string }).version ?? '0.0.0';
  }
  return cached;
}
