import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The service the dev server (`npx vite --config web/vite.config.ts`) forwards API calls to.
const service = process.env.FLASHBACK_URL ?? 'http://127.0.0.1:3000';

/**
 * Builds the dashboard from `web/` into `web/dist`, which the service serves
 * at `/` (src/http/dashboard.ts): hashed files under `/assets`, no inline
 * script, so that the page runs under the service's Content-Security-Policy.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  publicDir: false,
  clearScreen: false,
  // The workspace's client from its source (as web/tsconfig.json types it), so
  // that the dev server follows edits to it and a build needs no built client.
  resolve: {
    alias: {
      '@flashback/bucket-stats-client': fileURLToPath(new URL('../packages/client/src/index.ts', import.meta.url)),
    },
  },
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    // Every browser that runs ES2022 has modulepreload: no polyfill to ship.
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: Object.fromEntries(['/bucket', '/workspace', '/token'].map((path) => [path, service])),
  },
});
