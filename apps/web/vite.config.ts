/**
 * Builds the web app into `dist/`, which the control plane's Worker serves as static assets
 * (`flotilla up` passes it to `wrangler dev --assets`). JSX is compiled by Vite's own transform
 * (tsconfig `jsx: react-jsx`); no React plugin is needed for a production build.
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import { defineConfig } from 'vite';

/** The `flotilla up` that `npm run dev` proxies `/api` to. */
const target = process.env.FLOTILLA_URL ?? 'http://127.0.0.1:8787';

/**
 * The control plane takes browser requests only from its own pages (Origin checked, Host too in
 * local mode): a request from this dev server's own page is passed on as from the control
 * plane's own origin; any other page's Origin is passed on as it is, and refused there.
 */
function asControlPlanePage(proxyReq: ClientRequest, req: IncomingMessage): void {
  if (req.headers.origin !== undefined && req.headers.origin === `http://${req.headers.host ?? ''}`) proxyReq.setHeader('origin', new URL(target).origin);
}

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
    proxy: {
      '/api': {
        target,
        ws: true,
        changeOrigin: true,
        configure: (proxy) => {
          proxy.on('proxyReq', asControlPlanePage);
          proxy.on('proxyReqWs', asControlPlanePage);
        },
      },
    },
  },
});
