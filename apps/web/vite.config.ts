/**
 * Builds the web app into `dist/`, which the control plane's Worker serves as static assets
 * (`flotilla up` passes it to `wrangler dev --assets`). JSX is compiled by Vite's own transform
 * (tsconfig `jsx: react-jsx`); no React plugin is needed for a production build.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1024,
    rollupOptions: {
      // Libraries' "use client" markers mean nothing in a client-only bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: {
    // `npm run dev -w @flotilla/web` against a running `flotilla up` (default port 8787).
    proxy: { '/api': { target: process.env.FLOTILLA_URL ?? 'http://127.0.0.1:8787', ws: true } },
  },
});
