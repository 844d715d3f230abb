import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ENV_NAMES, ENV_VARIABLES, type EnvVariable } from '../src/config/env-variables.js';

// The README's configuration table is written from ENV_VARIABLES: one row per variable, in its order.
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The cells of each row of the table under `## Configuration`, trimmed (Prettier pads them). */
function readmeRows(): string[][] {
  const section = readme.split(/^## /m).find((part) => part.startsWith('Configuration\n'));
  assert.ok(section, 'the README has a "## Configuration" section');
  return section
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .slice(2) // the header and its rule
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
}

function expectedRow(name: string, variable: EnvVariable): string[] {
  return [`\`${name}\``, variable.default !== undefined ? `\`${variable.default}\`` : (variable.unset ?? 'unset'), variable.doc];
}

describe("the README's configuration table", () => {
  it('lists every variable of ENV_VARIABLES, with its default and meaning, in order', () => {
    const expected = ENV_NAMES.map((name) => expectedRow(name, ENV_VARIABLES[name]));
    const table = ['| variable | default | meaning |', '| --- | --- | --- |', ...expected.map((row) => `| ${row.join(' | ')} |`)];
    assert.deepEqual(
      readmeRows(),
      expected,
      `the README's table should read (then npx prettier --write README.md):\n${table.join('\n')}`,
    );
  });
});
