/** Setup of the outbox tests: messages, a logger that keeps its lines, polling, temp files. */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatMessageInput } from '@flotilla/contracts';
import { createLogger, type LogFields, type Logger, type LogLevel } from '@flotilla/kit';
import { DEFAULT_OUTBOX_CONFIG, type OutboxConfig } from '../../src/outbox/config.js';

/** An assistant message whose content is `text`, padded with `x` to `padTo` characters. */
export function makeMessage(text: string, padTo = 0): ChatMessageInput {
  return {
    messageId: randomUUID(),
    sessionId: 'session-1',
    role: 'assistant',
    content: text.padEnd(padTo, 'x'),
    timestamp: new Date().toISOString(),
  };
}

export interface LogEntry {
  level: LogLevel;
  msg: string;
  fields: LogFields;
}

/** The kit's logger (every level), its lines kept in `entries` instead of written. */
export function createRecordingLogger(entries: LogEntry[] = []): Logger & { entries: LogEntry[] } {
  const logger = createLogger('test', {
    level: 'debug',
    sink: (level, line) => {
      const { ts: _ts, level: _level, component: _component, msg, ...fields } = JSON.parse(line) as Record<string, unknown>;
      entries.push({ level, msg: String(msg), fields });
    },
  });
  return Object.assign(logger, { entries });
}

/** Outbox configuration with intervals small enough for tests, plus `overrides`. */
export function testConfig(overrides: Partial<OutboxConfig> = {}): OutboxConfig {
  return {
    ...DEFAULT_OUTBOX_CONFIG,
    retryInitialIntervalMs: 20,
    retryMaxIntervalMs: 100,
    retryMaxElapsedTimeMs: 2_000,
    ...overrides,
  };
}

/**
 * Poll `condition` every 5 ms until it holds.
 *
 * @throws Error naming `what` after `timeoutMs` milliseconds.
 */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A fresh temporary directory and a function that removes it. */
export function makeTempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-outbox-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
