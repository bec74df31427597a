/** D1 storage of this deployment's id: `deployment` (one row, id 1). Every SQL statement on it is here. */

/** The stored deployment id, or null before the first one is made. */
export async function readDeploymentId(db: D1Database): Promise<string | null> {
  const row = await db.prepare('SELECT deployment_id FROM deployment WHERE id = 1').first<{ deployment_id: string }>();
  return row?.deployment_id ?? null;
}

/** Store `deploymentId` unless one is stored already (two isolates may race: the first insert wins). */
export async function insertDeploymentId(db: D1Database, deploymentId: string): Promise<void> {
  await db.prepare('INSERT INTO deployment (id, deployment_id, created_at) VALUES (1, ?, ?) ON CONFLICT(id) DO NOTHING').bind(deploymentId, new Date().toISOString()).run();
}
