/**
 * Whose stored credentials a run uses (issue 14, item 3; contracts members.ts `CredentialsFrom`).
 * Credentials belong to users (D1 `credentials.user_id`). A project's runs use its owner's — or,
 * with `credentialsFrom: 'creator'`, each task's creator's (a workspace made by hand: its
 * maker's). A task of no user (a trigger's, the shared token's, local mode's) uses the owner's; a
 * project without an owner (made by the operator: local mode, the shared token) the operator's,
 * the implicit user `local`.
 *
 * The answer is decided once, at `node_selection`: the node a run takes belongs to that user
 * (`nodes.user_id`, nodes/selection.ts), so a warm node is reused only by runs on the same
 * user's credentials, and every later step reads the credentials of its node's user.
 */
import { IMPLICIT_USER_ID } from '../auth/principal.js';

/** What decides it: the project, and the run's creator (a task's `created_by`, a manual workspace's maker), null for none. */
export interface CredentialSubject {
  projectId: string;
  creatorId: string | null;
}

/**
 * The id of the user whose credentials a run of `subject` uses.
 * @returns a user id; {@link IMPLICIT_USER_ID} for the operator
 */
export async function credentialUserFor(db: D1Database, subject: CredentialSubject): Promise<string> {
  const row = await db
    .prepare(
      `SELECT p.credentials_from AS credentials_from,
         (SELECT m.user_id FROM project_members m WHERE m.project_id = p.id AND m.role = 'owner') AS owner_id
       FROM projects p WHERE p.id = ?`,
    )
    .bind(subject.projectId)
    .first<{ credentials_from: string; owner_id: string | null }>();
  if (row?.credentials_from === 'creator' && subject.creatorId !== null) return subject.creatorId;
  return row?.owner_id ?? IMPLICIT_USER_ID;
}

/** The user who created task `taskId` (null: a trigger, the shared token, local mode's implicit user, or no such task). */
export async function taskCreatorId(db: D1Database, taskId: string): Promise<string | null> {
  const row = await db.prepare('SELECT created_by FROM tasks WHERE id = ?').bind(taskId).first<{ created_by: string | null }>();
  return row?.created_by ?? null;
}
