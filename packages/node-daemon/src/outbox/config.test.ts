import { describe, expect, it } from 'vitest';
import { DEFAULT_OUTBOX_CONFIG, OutboxConfigError, readOutboxConfig } from './config.js';

describe('readOutboxConfig', () => {
  it('uses the documented defaults when nothing is set', () => {
    expect(readOutboxConfig({})).toEqual({
      batchMaxSize: 50,
      batchMaxBytes: 65536,
      batchMaxWaitMs: 2000,
      outboxMaxSize: 10000,
      retryInitialIntervalMs: 1000,
      retryMaxIntervalMs: 30000,
      retryMaxElapsedTimeMs: 300000,
      draftIntervalMs: 500,
    });
    expect(readOutboxConfig({})).toEqual(DEFAULT_OUTBOX_CONFIG);
  });

  it('reads every variable, treating empty values as unset', () => {
    const config = readOutboxConfig({
      MSG_BATCH_MAX_SIZE: '10',
      MSG_BATCH_MAX_BYTES: ' 4096 ',
      MSG_BATCH_MAX_WAIT_MS: '0',
      MSG_OUTBOX_MAX_SIZE: '',
      MSG_RETRY_INITIAL_INTERVAL_MS: '5',
      MSG_RETRY_MAX_INTERVAL_MS: '50',
      MSG_RETRY_MAX_ELAPSED_TIME_MS: '500',
      MSG_DRAFT_INTERVAL_MS: '0',
    });
    expect(config).toEqual({
      batchMaxSize: 10,
      batchMaxBytes: 4096,
      batchMaxWaitMs: 0,
      outboxMaxSize: 10000,
      retryInitialIntervalMs: 5,
      retryMaxIntervalMs: 50,
      retryMaxElapsedTimeMs: 500,
      draftIntervalMs: 0,
    });
  });

  it.each([
    ['MSG_BATCH_MAX_SIZE', 'abc'],
    ['MSG_BATCH_MAX_SIZE', '0'],
    ['MSG_BATCH_MAX_SIZE', '101'],
    ['MSG_BATCH_MAX_BYTES', '262145'],
    ['MSG_BATCH_MAX_WAIT_MS', '-1'],
    ['MSG_OUTBOX_MAX_SIZE', '1.5'],
    ['MSG_RETRY_MAX_ELAPSED_TIME_MS', '1e3'],
  ])('rejects %s=%s naming the variable', (name, value) => {
    expect(() => readOutboxConfig({ [name]: value })).toThrow(OutboxConfigError);
    expect(() => readOutboxConfig({ [name]: value })).toThrow(new RegExp(`^${name} must be an integer`));
  });

  it('rejects an initial retry interval above the maximum', () => {
    expect(() =>
      readOutboxConfig({ MSG_RETRY_INITIAL_INTERVAL_MS: '2000', MSG_RETRY_MAX_INTERVAL_MS: '1000' }),
    ).toThrow(/MSG_RETRY_INITIAL_INTERVAL_MS \(2000\) must not exceed MSG_RETRY_MAX_INTERVAL_MS/);
  });
});
