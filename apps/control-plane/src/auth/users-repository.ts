/**
 * D1 rows of users, their sign-in sessions and the sign-ins under way (migration 0019). Plain
 * functions over a D1Database; the rules (who may sign in, the first admin, approval) live in
 * sign-in-users.ts, the cookie in user-sessions.ts.
 */
import { newId, type SignInProvider, type User, type UserStatus } from '@flotilla/contracts';

interface UserRow {
  id: string;
  provider: SignInProvider;
  provider_subject: string;
  login: string;
  email: string | null;
  name: string | null;
  avatar_url: string | null;
  is_admin: number;
  status: UserStatus;
  created_at: string;
  last_sign_in_at: string | null;
}

/** A user as the API shows them. */
export function toUser(row: UserRow): User {
  return {
    id: row.id,
    provider: row.provider,
    login: row.login,
    email: row.email,
    name: row.name,
    avatarUrl: row.avatar_url,
    isAdmin: row.is_admin === 1,
    status: row.status,
    createdAt: row.created_at,
    lastSignInAt: row.last_sign_in_at,
  };
}

/** What a provider says of the person signing in. */
export interface Profile {
  provider: SignInProvider;
  subject: string;
  login: string;
  email: string | null;
  name: string | null;
  avatarUrl: string | null;
  /** Whether the provider vouched for `email` (sign-in-providers.ts `Identity.emailVerified`); absent: not. */
  emailVerified?: boolean;
}

export async function findUser(db: D1Database, userId: string): Promise<User | null> {
  const row = await db.prepare('SELECT * FROM users WHERE id = ?').bind(userId).first<UserRow>();
  return row ? toUser(row) : null;
}

export async function listUsers(db: D1Database): Promise<User[]> {
  const { results } = await db.prepare("SELECT * FROM users ORDER BY status = 'pending' DESC, created_at, id").all<UserRow>();
  return results.map(toUser);
}

/**
 * The user of `profile`, made on first sign-in: the first user ever is an active admin, later
 * ones are `newStatus`. A known user's profile and last sign-in are refreshed; status kept.
 */
export async function upsertUser(db: D1Database, profile: Profile, newStatus: UserStatus, now: string): Promise<User> {
  const known = await db.prepare('SELECT * FROM users WHERE provider = ? AND provider_subject = ?').bind(profile.provider, profile.subject).first<UserRow>();
  if (known) {
    await db
      .prepare('UPDATE users SET login = ?, email = ?, email_verified = ?, name = ?, avatar_url = ?, last_sign_in_at = ? WHERE id = ?')
      .bind(profile.login, profile.email, profile.emailVerified === true ? 1 : 0, profile.name, profile.avatarUrl, now, known.id)
      .run();
    return toUser({ ...known, login: profile.login, email: profile.email, name: profile.name, avatar_url: profile.avatarUrl, last_sign_in_at: now });
  }
  const id = newId('usr');
  // The first user ever (none before this insert) is an active admin; done in one statement.
  await db
    .prepare(
      `INSERT INTO users (id, provider, provider_subject, login, email, email_verified, name, avatar_url, is_admin, status, created_at, last_sign_in_at)
       SELECT ?, ?, ?, ?, ?, ?, ?, ?, NOT EXISTS (SELECT 1 FROM users), CASE WHEN EXISTS (SELECT 1 FROM users) THEN ? ELSE 'active' END, ?, ?`,
    )
    .bind(id, profile.provider, profile.subject, profile.login, profile.email, profile.emailVerified === true ? 1 : 0, profile.name, profile.avatarUrl, newStatus, now, now)
    .run();
  const user = await findUser(db, id);
  if (!user) throw new Error(`user ${id} vanished right after it was made`);
  return user;
}

/** Make `userId` active; the user, or null when there is none. */
export async function approveUser(db: D1Database, userId: string): Promise<User | null> {
  await db.prepare("UPDATE users SET status = 'active' WHERE id = ?").bind(userId).run();
  return findUser(db, userId);
}

export interface SessionRow {
  id: string;
  user_id: string;
  expires_at: string;
  last_seen_at: string;
  revoked_at: string | null;
}

export async function insertSession(db: D1Database, row: { userId: string; tokenHash: string; now: string; expiresAt: string; userAgent: string | null }): Promise<string> {
  const id = newId('uss');
  await db
    .prepare('INSERT INTO user_sessions (id, user_id, token_hash, created_at, expires_at, last_seen_at, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .bind(id, row.userId, row.tokenHash, row.now, row.expiresAt, row.now, row.userAgent)
    .run();
  return id;
}

export function findSessionByHash(db: D1Database, tokenHash: string): Promise<SessionRow | null> {
  return db.prepare('SELECT id, user_id, expires_at, last_seen_at, revoked_at FROM user_sessions WHERE token_hash = ?').bind(tokenHash).first<SessionRow>();
}

export async function touchSession(db: D1Database, sessionId: string, now: string): Promise<void> {
  await db.prepare('UPDATE user_sessions SET last_seen_at = ? WHERE id = ?').bind(now, sessionId).run();
}

export async function revokeSession(db: D1Database, sessionId: string, now: string): Promise<void> {
  await db.prepare('UPDATE user_sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').bind(now, sessionId).run();
}

/** Revoke every live session of `userId`; how many. */
export async function revokeUserSessions(db: D1Database, userId: string, now: string): Promise<number> {
  const result = await db.prepare('UPDATE user_sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL').bind(now, userId).run();
  return result.meta.changes;
}

export interface SignInAttempt {
  state: string;
  provider: SignInProvider;
  codeVerifier: string;
  nonce: string | null;
  returnTo: string;
  expiresAt: string;
}

export async function insertSignInAttempt(db: D1Database, attempt: SignInAttempt, now: string): Promise<void> {
  await db.batch([
    db.prepare('DELETE FROM sign_in_attempts WHERE expires_at < ?').bind(now),
    db
      .prepare('INSERT INTO sign_in_attempts (state, provider, code_verifier, nonce, return_to, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
      .bind(attempt.state, attempt.provider, attempt.codeVerifier, attempt.nonce, attempt.returnTo, attempt.expiresAt),
  ]);
}

/** The sign-in attempt of `state`, deleted as it is read (each is used once); null when unknown. */
export async function takeSignInAttempt(db: D1Database, state: string): Promise<SignInAttempt | null> {
  const row = await db
    .prepare('DELETE FROM sign_in_attempts WHERE state = ? RETURNING state, provider, code_verifier, nonce, return_to, expires_at')
    .bind(state)
    .first<{ state: string; provider: SignInProvider; code_verifier: string; nonce: string | null; return_to: string; expires_at: string }>();
  return row ? { state: row.state, provider: row.provider, codeVerifier: row.code_verifier, nonce: row.nonce, returnTo: row.return_to, expiresAt: row.expires_at } : null;
}
