/**
 * Configuration of the message outbox, read from the environment (DESIGN.md section 5: every
 * size, interval and limit is an env var with a documented default).
 *
 * Each variable and its default is defined exactly once, in {@link OUTBOX_ENV_VARS}; the README's
 * configuration table can be generated from that list.
 */
import { MESSAGE_BATCH_MAX_BODY_BYTES } from '@flotilla/contracts';

/** Largest `messages` array the control plane accepts (`PersistMessageBatchRequest`). */
const CONTRACT_MAX_BATCH_SIZE = 100;

export interface OutboxConfig {
  /** `MSG_BATCH_MAX_SIZE`: most messages in one request (1–100). */
  batchMaxSize: number;
  /** `MSG_BATCH_MAX_BYTES`: most bytes in one request body, JSON envelope included. */
  batchMaxBytes: number;
  /**
   * `MSG_BATCH_MAX_WAIT_MS`: upper bound, in milliseconds, on how long a message waits to be
   * batched while nothing is in flight. The outbox sends as soon as a workspace is idle, so in
   * practice the wait is one event-loop turn; see `MessageOutbox`.
   */
  batchMaxWaitMs: number;
  /** `MSG_OUTBOX_MAX_SIZE`: most rows kept in the outbox (all workspaces); oldest dropped first. */
  outboxMaxSize: number;
  /** `MSG_RETRY_INITIAL_INTERVAL_MS`: first backoff delay after a transient failure, in ms. */
  retryInitialIntervalMs: number;
  /** `MSG_RETRY_MAX_INTERVAL_MS`: largest backoff delay, in ms; also the "try again later" delay. */
  retryMaxIntervalMs: number;
  /** `MSG_RETRY_MAX_ELAPSED_TIME_MS`: how long one batch is retried before it is put aside, in ms. */
  retryMaxElapsedTimeMs: number;
  /**
   * `MSG_DRAFT_INTERVAL_MS`: least time, in ms, between two sends of the draft of one message
   * (assistant text still being written), so a long answer is a few updates, not one per chunk.
   */
  draftIntervalMs: number;
}

/** One environment variable of the outbox: its name, default, accepted range and meaning. */
export interface OutboxEnvVar {
  readonly name: string;
  readonly key: keyof OutboxConfig;
  readonly defaultValue: number;
  readonly min: number;
  readonly max: number;
  readonly description: string;
}

/** Every outbox variable, its default and its accepted (inclusive, integer) range. */
export const OUTBOX_ENV_VARS: readonly OutboxEnvVar[] = [
  {
    name: 'MSG_BATCH_MAX_SIZE',
    key: 'batchMaxSize',
    defaultValue: 50,
    min: 1,
    max: CONTRACT_MAX_BATCH_SIZE,
    description: 'Most chat messages in one request to the control plane.',
  },
  {
    name: 'MSG_BATCH_MAX_BYTES',
    key: 'batchMaxBytes',
    defaultValue: 65536,
    min: 1024,
    max: MESSAGE_BATCH_MAX_BODY_BYTES,
    description: 'Most bytes in one request body (a single larger message is still sent alone).',
  },
  {
    name: 'MSG_BATCH_MAX_WAIT_MS',
    key: 'batchMaxWaitMs',
    defaultValue: 2000,
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    description: 'Upper bound on how long a message waits to be batched, in milliseconds.',
  },
  {
    name: 'MSG_OUTBOX_MAX_SIZE',
    key: 'outboxMaxSize',
    defaultValue: 10000,
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
    description: 'Most messages kept in the outbox; beyond it the oldest are dropped.',
  },
  {
    name: 'MSG_RETRY_INITIAL_INTERVAL_MS',
    key: 'retryInitialIntervalMs',
    defaultValue: 1000,
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
    description: 'First retry delay after a transient failure, in milliseconds.',
  },
  {
    name: 'MSG_RETRY_MAX_INTERVAL_MS',
    key: 'retryMaxIntervalMs',
    defaultValue: 30000,
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
    description: 'Largest retry delay, in milliseconds.',
  },
  {
    name: 'MSG_RETRY_MAX_ELAPSED_TIME_MS',
    key: 'retryMaxElapsedTimeMs',
    defaultValue: 300000,
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
    description: 'How long one batch is retried before it is kept aside and tried again later.',
  },
  {
    name: 'MSG_DRAFT_INTERVAL_MS',
    key: 'draftIntervalMs',
    defaultValue: 500,
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    description: 'Least time between two updates of a message still being written, in milliseconds.',
  },
];

/** The outbox configuration with every variable at its default. */
export const DEFAULT_OUTBOX_CONFIG: Readonly<OutboxConfig> = Object.freeze(
  Object.fromEntries(OUTBOX_ENV_VARS.map((v) => [v.key, v.defaultValue])) as unknown as OutboxConfig,
);

/** Thrown when an outbox variable holds a value that is not an integer in its range. */
export class OutboxConfigError extends Error {
  override readonly name = 'OutboxConfigError';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
  }
}

function readOne(spec: OutboxEnvVar, env: NodeJS.ProcessEnv): number {
  const raw = env[spec.name]?.trim();
  if (raw === undefined || raw === '') return spec.defaultValue;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < spec.min || value > spec.max) {
    const range = spec.max === Number.MAX_SAFE_INTEGER ? `>= ${spec.min}` : `${spec.min}..${spec.max}`;
    throw new OutboxConfigError(
      spec.name,
      `${spec.name} must be an integer ${range}, got ${JSON.stringify(raw)}`,
    );
  }
  return value;
}

/**
 * Read the outbox configuration from `env` (default `process.env`). Unset or empty variables take
 * their default.
 *
 * @throws OutboxConfigError naming the variable when a value is not a whole number in its range,
 *   or when `MSG_RETRY_INITIAL_INTERVAL_MS` exceeds `MSG_RETRY_MAX_INTERVAL_MS`.
 */
export function readOutboxConfig(env: NodeJS.ProcessEnv = process.env): OutboxConfig {
  const config = { ...DEFAULT_OUTBOX_CONFIG };
  for (const spec of OUTBOX_ENV_VARS) config[spec.key] = readOne(spec, env);
  if (config.retryInitialIntervalMs > config.retryMaxIntervalMs) {
    throw new OutboxConfigError(
      'MSG_RETRY_INITIAL_INTERVAL_MS',
      `MSG_RETRY_INITIAL_INTERVAL_MS (${config.retryInitialIntervalMs}) must not exceed ` +
        `MSG_RETRY_MAX_INTERVAL_MS (${config.retryMaxIntervalMs})`,
    );
  }
  return config;
}
