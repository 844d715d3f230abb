import boundaries from 'eslint-plugin-boundaries';

/**
 * The layers of src/ and what each may import besides itself and packages.
 * Imports point one way, from the edge of the service to its core:
 * http → auth → store → stats → time, with the report pipeline (ingest)
 * between http and the store. Each layer is a folder of src/, but `root`:
 * the files at the top of src/ (server.ts listens, app.ts registers
 * everything). A file outside these, or an import not listed, fails
 * `npx eslint .`; test/layers.test.ts proves that it does.
 */
export const LAYERS = {
  root: ['http', 'api-schemas', 'alerts', 'auth', 'ingest', 'store', 'stats', 'time', 'config'],
  // npm run demo: a whole service (root) with a simulated fleet of agents (cli).
  demo: ['root', 'cli', 'ingest', 'auth', 'store', 'stats', 'time', 'config'],
  // fbstats talks to the service through packages/client. It shares the API's schemas (to check import files
  // and agent options before sending) and, for `fbstats backup`, copies a SQLite file with the store's code.
  cli: ['api-schemas', 'store', 'stats', 'time', 'config'],
  http: ['api-schemas', 'alerts', 'auth', 'ingest', 'store', 'stats', 'time', 'config'],
  // src/http/schemas: the API's TypeBox schemas, what requests and answers look like.
  'api-schemas': ['auth', 'stats', 'time'],
  // Alert rules watch the reports coming in (ingest) and what is stored.
  alerts: ['ingest', 'store', 'stats', 'time', 'config'],
  auth: ['store', 'stats', 'time', 'config'],
  // The report pipeline: verification, scheduling, group commits, the SQLite writer thread.
  ingest: ['store', 'stats', 'time', 'config'],
  store: ['stats', 'time', 'config'],
  // The pure stats engine.
  stats: ['time'],
  config: [],
  time: [],
};

const FOLDER_OF = { 'api-schemas': 'src/http/schemas' };

// Most specific first: the first pattern that matches a file's folder names its layer.
const elements = Object.keys(LAYERS)
  .filter((layer) => layer !== 'root')
  .sort((a, b) => (FOLDER_OF[b] ?? '').length - (FOLDER_OF[a] ?? '').length)
  .map((layer) => ({ type: layer, pattern: FOLDER_OF[layer] ?? `src/${layer}` }));

const selectorOf = (layer) => (layer === 'root' ? { file: { categories: 'root' } } : { element: { type: layer } });

/** The flat-config block that enforces `LAYERS` on src/ (eslint-plugin-boundaries). */
export const layersConfig = {
  files: ['src/**/*.ts'],
  plugins: { boundaries },
  settings: {
    // Paths from this folder, not from the working directory: linted from elsewhere (a test runner started in
    // another folder), the patterns below matched nothing or the wrong files and the rule passed everything.
    'boundaries/root-path': import.meta.dirname,
    // Imports name the built `.js` files; the TypeScript resolver finds the `.ts` sources.
    'import/resolver': { typescript: { project: `${import.meta.dirname}/tsconfig.check.json` } },
    'boundaries/elements': elements,
    'boundaries/files': [{ category: 'root', pattern: 'src/*.ts' }],
  },
  rules: {
    'boundaries/no-unknown-files': 'error',
    'boundaries/dependencies': [
      'error',
      {
        default: 'disallow',
        policies: Object.entries(LAYERS).flatMap(([layer, mayImport]) =>
          [layer, ...mayImport].map((to) => ({ from: selectorOf(layer), allow: { to: selectorOf(to) } })),
        ),
      },
    ],
  },
};
