/**
 * The local control plane's process (started by control-plane.ts through
 * bin/control-plane-server.mjs): the control plane Worker under wrangler's local dev server —
 * `unstable_startWorker`, the API `wrangler dev --local` itself runs on — with D1 and Durable
 * Objects persisted under the stack's state directory, its vars as plain-text bindings (over
 * wrangler.jsonc's), its secrets from an env file, the web app's assets, and **no DevTools
 * inspector**. `wrangler dev` has no flag for that: its inspector opens an unauthenticated DevTools
 * endpoint into the Worker (which holds the credentials key) on loopback, and forwards every DevTools
 * event of the Worker — each request, each subrequest, each log line — to wrangler's Node process
 * as a loopback HTTP request (on a 2-core machine, a third of a core while a task starts).
 *
 * Argument: one JSON object, ControlPlaneServerOptions. Exits 0 after SIGTERM/SIGINT (the Worker
 * disposed), 1 when the Worker cannot start.
 */
import { unstable_startWorker } from 'wrangler';
import * as z from 'zod';

export const ControlPlaneServerOptions = z.object({
  /** wrangler.jsonc of the control plane. */
  config: z.string(),
  port: z.number().int().min(1).max(65_535),
  /** D1 and Durable Object state. */
  persistTo: z.string(),
  /** Worker vars; they win over wrangler.jsonc's. */
  vars: z.record(z.string(), z.string()),
  /** An env file of the Worker's secrets (never in process arguments). */
  secretsFile: z.string().optional(),
  /** The built web app. */
  assetsDir: z.string().optional(),
});
export type ControlPlaneServerOptions = z.infer<typeof ControlPlaneServerOptions>;

async function main(): Promise<void> {
  const options = ControlPlaneServerOptions.parse(JSON.parse(process.argv[2] ?? ''));
  const worker = await unstable_startWorker({
    config: options.config,
    ...(options.secretsFile ? { envFiles: [options.secretsFile] } : {}),
    ...(options.assetsDir ? { assets: options.assetsDir } : {}),
    bindings: Object.fromEntries(Object.entries(options.vars).map(([name, value]) => [name, { type: 'plain_text', value }])),
    dev: {
      remote: false,
      inspector: false,
      persist: options.persistTo,
      server: { hostname: '127.0.0.1', port: options.port },
      watch: false,
      liveReload: false,
    },
  });
  await worker.ready;
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    worker.dispose().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error('the control plane could not start:', error);
  process.exit(1);
});
