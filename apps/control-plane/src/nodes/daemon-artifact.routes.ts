/**
 * Handlers of the daemon artifact routes (contracts `publicApi.daemonManifest`/`daemonBundle`;
 * issue 6, item 7): what a VM downloads at boot (its user-data names the URL and the SHA-256).
 * Public, like any release download: the bundle holds no secret (a node's only secret, its
 * callback token, travels in its user-data).
 *
 * - `GET /api/node-daemon` → the manifest `{version, file, sha256, bytes, dependencies}`;
 *   503 `unavailable` when this deployment has no daemon artifact.
 * - `GET /api/node-daemon/bundle/:version` → the bundle (`text/javascript`), with
 *   `x-flotilla-daemon-version` and `x-flotilla-daemon-sha256`; 404 naming the version served
 *   when another one is asked for; 503 without an artifact.
 * - `GET /api/node-daemon/lockfile/:version` → the `package-lock.json` of the bundle's runtime
 *   packages (`application/json`), with the same headers (its own SHA-256) and refusals.
 */
import type { NodeDaemonManifest } from '@flotilla/contracts';
import { notFound, unavailable } from '@flotilla/kit';
import type { PublicHandlers } from '../app-env.js';
import { depsFromEnv, type Assets } from '../deps.js';
import { fetchDaemonFile, readDaemonManifest } from './daemon-artifact.js';

const NO_ARTIFACT = 'this control plane has no node daemon artifact to serve (flotilla up builds one; a deployment must include it in its assets)';

/** The manifest served. @throws FlotillaError unavailable (503) without an artifact */
async function requireManifest(assets: Assets | null): Promise<NodeDaemonManifest> {
  const manifest = await readDaemonManifest(assets);
  if (!manifest) throw unavailable(NO_ARTIFACT);
  return manifest;
}

/** One file of the artifact of `version`, immutable once served. @throws FlotillaError 404 for another version, 503 without the file */
async function serveFile(assets: Assets | null, version: string, pick: (manifest: NodeDaemonManifest) => { file: string; sha256: string; bytes: number; contentType: string }): Promise<Response> {
  const manifest = await requireManifest(assets);
  if (version !== manifest.version) throw notFound(`node daemon ${version} is not served here; this control plane serves ${manifest.version}`);
  const { file, sha256, bytes, contentType } = pick(manifest);
  const body = await fetchDaemonFile(assets, file);
  if (!body) throw unavailable(NO_ARTIFACT);
  return new Response(body, {
    headers: {
      'content-type': contentType,
      'content-length': String(bytes),
      'cache-control': 'public, max-age=31536000, immutable',
      'x-flotilla-daemon-version': manifest.version,
      'x-flotilla-daemon-sha256': sha256,
    },
  });
}

export const daemonArtifactHandlers: PublicHandlers<'daemonManifest' | 'daemonBundle' | 'daemonLockfile'> = {
  daemonManifest: (_request, c) => requireManifest(depsFromEnv(c.env).assets),

  daemonBundle: ({ params }, c) =>
    serveFile(depsFromEnv(c.env).assets, params.version, (m) => ({ file: m.file, sha256: m.sha256, bytes: m.bytes, contentType: 'text/javascript; charset=utf-8' })),

  daemonLockfile: ({ params }, c) =>
    serveFile(depsFromEnv(c.env).assets, params.version, (m) => ({ ...m.lockfile, contentType: 'application/json; charset=utf-8' })),
};
