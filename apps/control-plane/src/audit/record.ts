/**
 * Recording audit events (contracts audit.ts) where an action succeeds: `recordAuditEvent` stores
 * one and never fails the action it records (a storage error is logged and dropped);
 * `auditActorOf` names who did it from the route's principal (auth/principal.ts: the user, and
 * the personal API token they used when the principal carries one); `recordFromRoute` does both
 * in one line of a handler. The cron deletes events older than AUDIT_RETENTION_DAYS
 * (`pruneAuditEvents`).
 */
import { newId, type AuditAction, type AuditDetailValue, type AuditTargetKind } from '@flotilla/contracts';
import { createLogger, errorMessage } from '@flotilla/kit';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.js';
import type { Principal } from '../auth/principal.js';
import type { Deps } from '../deps.js';
import { deleteAuditEventsBefore, insertAuditEvent } from './repository.js';

const log = createLogger('control-plane').child({ component: 'audit' });

/** Who did it: a user (null: nobody known, e.g. a refused sign-in) and the API token they used. */
export interface AuditActor {
  userId: string | null;
  tokenId: string | null;
}

/** An event to record: what, to what, in which project (null: none), by whom, with plain facts (never a secret). */
export interface NewAuditEvent {
  projectId: string | null;
  actor: AuditActor;
  action: AuditAction;
  target: { kind: AuditTargetKind; id: string };
  detail?: Record<string, AuditDetailValue>;
}

/** Events deleted per cron run at most, so one run stays short (the next run deletes more). */
const PRUNE_BATCH = 5_000;

/**
 * Store one audit event, now. Never throws: recording must not fail the action it records, so a
 * failure is logged (without the detail) and dropped.
 */
export async function recordAuditEvent(db: D1Database, event: NewAuditEvent): Promise<void> {
  try {
    await insertAuditEvent(db, {
      id: newId('aud'),
      projectId: event.projectId,
      actorUserId: event.actor.userId,
      actorTokenId: event.actor.tokenId,
      action: event.action,
      targetKind: event.target.kind,
      targetId: event.target.id,
      detail: event.detail ?? {},
      at: Date.now(),
    });
  } catch (error) {
    log.error('audit event not recorded', { action: event.action, targetId: event.target.id, error: errorMessage(error) });
  }
}

/**
 * Who is calling a route: the user of its principal and, when the principal carries one (personal
 * API tokens), the token's id. A route with no user principal (a public route) has no known actor.
 */
export function auditActorOf(c: Context<AppEnv>): AuditActor {
  const principal: Principal | undefined = c.get('principal');
  if (principal?.kind !== 'user') return { userId: null, tokenId: null };
  return { userId: principal.userId, tokenId: principal.tokenId ?? null };
}

/** Record an event done by the route's caller (one line in a handler, after the action succeeded). */
export function recordFromRoute(c: Context<AppEnv>, event: Omit<NewAuditEvent, 'actor'>): Promise<void> {
  return recordAuditEvent(c.env.DB, { ...event, actor: auditActorOf(c) });
}

/**
 * Delete audit events older than AUDIT_RETENTION_DAYS (the cron; at most PRUNE_BATCH a run).
 * Never throws (logged).
 * @param nowMs the time to count the retention back from (ms since the epoch)
 */
export async function pruneAuditEvents(deps: Deps, nowMs: number): Promise<number> {
  try {
    const deleted = await deleteAuditEventsBefore(deps.db, nowMs - deps.config.AUDIT_RETENTION_DAYS * 24 * 60 * 60 * 1000, PRUNE_BATCH);
    if (deleted > 0) log.info('old audit events deleted', { deleted });
    return deleted;
  } catch (error) {
    log.error('audit pruning failed', { error: errorMessage(error) });
    return 0;
  }
}
