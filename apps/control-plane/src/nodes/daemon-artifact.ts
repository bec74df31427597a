/**
 * The node daemon artifact this control plane serves to its VMs (issue 6, item 7). The bundle,
 * the lockfile of its runtime packages and their manifest are static assets under
 * {@link DAEMON_ASSET_DIR} (put there by
 * `flotilla up`, packages/cli/src/stack/stack-assets.ts; by the deploy build in production), read
 * through the `ASSETS` binding. A deployment without them serves no daemon and can provision
 * no VM; it says so.
 */
import { NODE_DAEMON_ASSET_DIR, NodeDaemonManifest } from '@flotilla/contracts';
import { permanentFailure } from '@flotilla/kit';
import type { Assets } from '../deps.js';

/** Asset path of the daemon's files (`manifest.json`, `node-daemon.mjs`). */
export const DAEMON_ASSET_DIR = `/${NODE_DAEMON_ASSET_DIR}`;

const assetUrl = (file: string) => `https://assets.invalid${DAEMON_ASSET_DIR}/${file}`;

/**
 * The manifest of the daemon artifact this deployment serves, or null when it has none (no
 * assets, or assets without the daemon).
 * @throws FlotillaError permanentFailure when the manifest exists but is not a valid {@link NodeDaemonManifest}
 */
export async function readDaemonManifest(assets: Assets | null): Promise<NodeDaemonManifest | null> {
  if (!assets) return null;
  const response = await assets.fetch(assetUrl('manifest.json'));
  // An unknown asset falls back to the web app's index.html (single-page-application handling).
  if (!response.ok || !(response.headers.get('content-type') ?? '').includes('json')) {
    await response.body?.cancel();
    return null;
  }
  const parsed = NodeDaemonManifest.safeParse(await response.json());
  if (!parsed.success) throw permanentFailure(`the node daemon manifest is invalid: ${parsed.error.message}`);
  return parsed.data;
}

/** The bytes of one file of the artifact the manifest names (its bundle or its lockfile) as a stream; null when the asset is missing. */
export async function fetchDaemonFile(assets: Assets | null, file: string): Promise<ReadableStream<Uint8Array> | null> {
  if (!assets) return null;
  const response = await assets.fetch(assetUrl(file));
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    return null;
  }
  return response.body;
}
