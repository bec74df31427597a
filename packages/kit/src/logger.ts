/**
 * The structured logger of the Worker, the node daemon and the providers: one JSON object a line,
 * `{"ts","level","component","msg",...fields}`. Fields whose names say they hold a secret (ending
 * in token, secret, password, authorization, cookie or api key) are written as `[redacted]` — a
 * second line of defence; never pass secrets in the first place.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger whose lines carry these fields too; a `component` field replaces the component. */
  child(fields: LogFields): Logger;
}

/** Where lines go: by default `console` (the Worker's log, a process's stdout/stderr). */
export type LogSink = (level: LogLevel, line: string) => void;

export interface LoggerOptions {
  /** Lines below this level are dropped (default `info`). */
  level?: LogLevel;
  sink?: LogSink;
  /** Fields every line carries. */
  fields?: LogFields;
}

const LEVEL_ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** True when `value` names a log level. */
export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && value in LEVEL_ORDER;
}

const SECRET_FIELD = /(token|secret|password|passwd|authorization|cookie|api[-_]?key)$/i;

export const consoleSink: LogSink = (level, line) => {
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
};

function redact(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) out[key] = SECRET_FIELD.test(key) && value !== undefined && value !== null ? '[redacted]' : value;
  return out;
}

/** A logger for `component`. */
export function createLogger(component: string, options: LoggerOptions = {}): Logger {
  const threshold = LEVEL_ORDER[options.level ?? 'info'];
  const sink = options.sink ?? consoleSink;
  const base = options.fields ?? {};
  const write = (level: LogLevel, msg: string, fields?: LogFields): void => {
    if (LEVEL_ORDER[level] < threshold) return;
    sink(level, JSON.stringify({ ts: new Date().toISOString(), level, component, msg, ...redact({ ...base, ...fields }) }));
  };
  return {
    debug: (msg, fields) => write('debug', msg, fields),
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
    child: ({ component: childComponent, ...fields }) =>
      createLogger(typeof childComponent === 'string' ? childComponent : component, { ...options, fields: { ...base, ...fields } }),
  };
}
