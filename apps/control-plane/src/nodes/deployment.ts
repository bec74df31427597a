/**
 * This deployment's id (issue 12): what tells its cloud servers from those of another deployment
 * sharing the same cloud project. Every server it creates is labelled with it (Hetzner
 * `flotilla-deployment=<id>` beside `managed-by=flotilla`), and the orphan sweep (orphans.ts)
 * lists and deletes only servers carrying it.
 *
 * It is the var DEPLOYMENT_ID when set (config `deploymentId`: 1–63 of `A-Za-z0-9._-`, starting
 * and ending with a letter or digit, as cloud labels require) — for an operator who wants to
 * name it, or to keep owning its servers after recreating D1 — and otherwise a random UUID made
 * once and kept in D1 (`deployment`, migration 0006), so a deployment needs no setting for it.
 * Changing it orphans nothing but makes the deployment forget its earlier servers: they are
 * neither swept nor found by node id any more.
 */
import { setting } from '../config.js';
import type { Deps } from '../deps.js';
import { insertDeploymentId, readDeploymentId } from './deployment-repository.js';

/**
 * This deployment's id: DEPLOYMENT_ID, else the one kept in D1 (made now on first use).
 * @throws FlotillaError permanentFailure when DEPLOYMENT_ID is set but invalid (naming the var)
 */
export async function deploymentId(deps: Pick<Deps, 'db' | 'config'>): Promise<string> {
  const configured = setting(deps.config.deploymentId);
  if (configured !== null) return configured;
  const stored = await readDeploymentId(deps.db);
  if (stored !== null) return stored;
  await insertDeploymentId(deps.db, crypto.randomUUID());
  const made = await readDeploymentId(deps.db);
  if (made === null) throw new Error('the deployment id could not be stored in D1');
  return made;
}
