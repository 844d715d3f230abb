import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

// The layer rule of eslint.layers.js, run through the repository's own eslint.config.js as `npx eslint .`
// runs it: an import against the layers must fail the lint, an import along them must pass.
const root = fileURLToPath(new URL('..', import.meta.url));
// From another folder: the rule once matched its patterns against the working directory, passed every import
// when the tests ran from elsewhere (CI), and this test, run from the repository, did not see it.
process.chdir(tmpdir());
// Without type information: with it, typescript-eslint parses a file of its program from the disk, not the text
// given here, whenever it infers a single run (CI=true, as CI sets it), and the refused imports were never seen.
const eslint = new ESLint({ cwd: root, overrideConfig: tseslint.configs.disableTypeChecked });

/** The layer errors ESLint finds in `source`, linted as if it were the file at `path` (in memory only). */
async function layerErrors(path: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: `${root}${path}` });
  assert.ok(result, 'ESLint linted the text');
  const fatal = result.messages.filter((m) => m.fatal);
  assert.deepEqual(fatal, [], 'the text parses');
  return result.messages.filter((m) => m.ruleId?.startsWith('boundaries/')).map((m) => m.message);
}

// An import against the layers, in a file of a given layer, and the error it must get.
const REFUSED = [
  {
    path: 'src/store/user-store.ts',
    from: '../http/api-error.js',
    name: 'ApiError',
    error: 'elements of type "store" to elements of type "http"',
  },
  {
    path: 'src/store/user-store.ts',
    from: '../ingest/replay-guard.js',
    name: 'ReplayError',
    error: 'elements of type "store" to elements of type "ingest"',
  },
  {
    path: 'src/auth/roles.ts',
    from: '../http/api-error.js',
    name: 'ApiError',
    error: 'elements of type "auth" to elements of type "http"',
  },
  {
    path: 'src/stats/rounding.ts',
    from: '../store/status-codes.js',
    name: 'statusCode',
    error: 'elements of type "stats" to elements of type "store"',
  },
  {
    path: 'src/http/api-error.ts',
    from: '../app.js',
    name: 'buildApp',
    error: 'elements of type "http" to file of category "root"',
  },
];

describe('layers (eslint.layers.js)', () => {
  for (const { path, from, name, error } of REFUSED) {
    it(`refuses ${from} in ${path}`, async () => {
      const errors = await layerErrors(path, `import { ${name} } from '${from}';\nexport const refused = ${name};\n`);
      assert.deepEqual(errors, [`There is no policy allowing dependencies from ${error}`]);
    });
  }

  it('lets imports follow the layers: http → ingest → store → stats → time', async () => {
    const source = [
      "import { ReplayError } from '../ingest/replay-guard.js';",
      "import { ROLES } from '../store/member-roles.js';",
      "import { percentHalfUp } from '../stats/rounding.js';",
      "import { DAY_MS } from '../time/instant.js';",
      'export const allowed = [ReplayError, ROLES, percentHalfUp, DAY_MS];',
      '',
    ].join('\n');
    assert.deepEqual(await layerErrors('src/http/api-error.ts', source), []);
  });
});
