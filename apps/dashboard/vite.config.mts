import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

const here = fileURLToPath(new URL('.', import.meta.url));

// Built into <repo>/dist/dashboard; apps/api serves it at `/`. No CDN, no external fonts.
export default defineConfig({
  root: here,
  base: '/',
  plugins: [preact({ devToolsEnabled: false, prefreshEnabled: false })],
  // The API's types come from the one contract (type-only imports: no zod in the bundle).
  resolve: {
    alias: { '@tally/contract': fileURLToPath(new URL('../../libs/contract/src/index.ts', import.meta.url)) },
  },
  build: {
    outDir: fileURLToPath(new URL('../../dist/dashboard', import.meta.url)),
    emptyOutDir: true,
    // Everything stays a file: the api's Content-Security-Policy forbids inline scripts and data: scripts.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: 'es2022',
  },
  server: {
    // `npx vite --config apps/dashboard/vite.config.mts` during development: the API on :3000.
    proxy: { '/v1': 'http://127.0.0.1:3000' },
  },
});
