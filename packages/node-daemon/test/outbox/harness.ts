/**
 * Setup of the outbox tests, the whole outbox wired: a SQLite file in a temp dir, the fake control
 * plane (testkit; any Bearer token taken, unless `server.tokens` names the one of a workspace),
 * the real HTTP sender and `MessageOutbox`. `cleanup()` undoes everything the harness opened.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { FakeControlPlane } from '@flotilla/testkit/daemon';
import type { OutboxConfig } from '../../src/outbox/config.js';
import { MessageOutbox } from '../../src/outbox/outbox.js';
import { createHttpMessageSender } from '../../src/outbox/sender.js';
import { createRecordingLogger, makeTempDir, testConfig } from './helpers.js';

export interface OpenedOutbox {
  outbox: MessageOutbox;
  db: Database.Database;
}

export interface OpenOptions {
  config?: Partial<OutboxConfig>;
  stopTimeoutMs?: number;
  start?: boolean;
}

export interface Harness {
  server: FakeControlPlane;
  logger: ReturnType<typeof createRecordingLogger>;
  /** Current callback token per workspace; a workspace not listed gets `tok`. */
  tokens: Map<string, string | undefined>;
  dbPath: string;
  /** A new outbox on the harness's database file (started unless `start: false`). */
  open(options?: OpenOptions): OpenedOutbox;
  /** Warnings logged so far. */
  warnings(): string[];
  cleanup(): Promise<void>;
}

export async function createHarness(): Promise<Harness> {
  const temp = makeTempDir();
  const server = await FakeControlPlane.start({ tokens: 'any' });
  const logger = createRecordingLogger();
  const tokens = new Map<string, string | undefined>();
  const opened: OpenedOutbox[] = [];
  const dbPath = join(temp.dir, 'node.db');

  const open = (options: OpenOptions = {}): OpenedOutbox => {
    const db = new Database(dbPath);
    const sender = createHttpMessageSender({
      controlPlaneUrl: server.url,
      tokenFor: (id) => (tokens.has(id) ? tokens.get(id) : 'tok'),
      requestTimeoutMs: 2_000,
    });
    const outbox = new MessageOutbox({
      db,
      config: testConfig(options.config),
      send: sender.send,
      logger,
      stopTimeoutMs: options.stopTimeoutMs ?? 1_000,
    });
    if (options.start !== false) outbox.start();
    const result = { outbox, db };
    opened.push(result);
    return result;
  };

  const cleanup = async (): Promise<void> => {
    for (const { outbox, db } of opened) {
      if (!db.open) continue;
      await outbox.stop();
      db.close();
    }
    server.delayMs = 0;
    await server.close();
    temp.remove();
  };

  const warnings = (): string[] =>
    logger.entries.filter((entry) => entry.level === 'warn').map((entry) => entry.msg);

  return { server, logger, tokens, dbPath, open, warnings, cleanup };
}
