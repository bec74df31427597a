/**
 * `/api/node-daemon`: what a VM downloads at boot (issue 6, item 7; its user-data names the URL
 * and the SHA-256). Public, like any release download: the bundle holds no secret (a node's
 * only secret, its callback token, travels in its user-data).
 *
 * - `GET /api/node-daemon` → the manifest `{version, file, sha256, bytes, dependencies}`;
 *   503 `unavailable` when this deployment has no daemon artifact.
 * - `GET /api/node-daemon/bundle/:version` → the bundle (`text/javascript`), with
 *   `x-flotilla-daemon-version` and `x-flotilla-daemon-sha256`; 404 naming the version served
 *   when another one is asked for; 503 without an artifact.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../app-env.js';
import type { Env } from '../env.js';
import { HttpError, notFound } from '../lib/errors.js';
import { fetchDaemonBundle, readDaemonManifest } from '../services/node-daemon-artifact.js';

const NO_ARTIFACT = 'this control plane has no node daemon artifact to serve (flotilla up builds one; a deployment must include it in its assets)';

async function requireManifest(env: Env) {
  const manifest = await readDaemonManifest(env);
  if (!manifest) throw new HttpError('unavailable', NO_ARTIFACT);
  return manifest;
}

export const nodeDaemonRoutes = new Hono<AppEnv>()
  .get('/', async (c) => c.json(await requireManifest(c.env)))
  .get('/bundle/:version', async (c) => {
    const manifest = await requireManifest(c.env);
    const version = c.req.param('version');
    if (version !== manifest.version) throw notFound(`node daemon ${version} is not served here; this control plane serves ${manifest.version}`);
    const body = await fetchDaemonBundle(c.env, manifest);
    if (!body) throw new HttpError('unavailable', NO_ARTIFACT);
    return new Response(body, {
      headers: {
        'content-type': 'text/javascript; charset=utf-8',
        'content-length': String(manifest.bytes),
        'cache-control': 'public, max-age=31536000, immutable',
        'x-flotilla-daemon-version': manifest.version,
        'x-flotilla-daemon-sha256': manifest.sha256,
      },
    });
  });
