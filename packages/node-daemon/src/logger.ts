/**
 * Structured JSON-line logger for the node daemon. One object a line on stderr:
 * `{"ts","level","component","msg",...fields}`. Never pass secrets (tokens, API keys) as fields.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger whose lines carry `component` and the given fields as well. */
  child(component: string, fields?: LogFields): Logger;
}

const LEVEL_ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function minLevel(): LogLevel {
  const configured = process.env.FLOTILLA_LOG_LEVEL as LogLevel | undefined;
  return configured && configured in LEVEL_ORDER ? configured : 'info';
}

/** Create a logger for `component`. Lines below `FLOTILLA_LOG_LEVEL` (default info) are dropped. */
export function createLogger(component: string, base: LogFields = {}): Logger {
  const threshold = LEVEL_ORDER[minLevel()];
  const write = (level: LogLevel, msg: string, fields?: LogFields): void => {
    if (LEVEL_ORDER[level] < threshold) return;
    const line = { ts: new Date().toISOString(), level, component, msg, ...base, ...fields };
    process.stderr.write(`${JSON.stringify(line)}\n`);
  };
  return {
    debug: (msg, fields) => write('debug', msg, fields),
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
    child: (childComponent, fields) => createLogger(childComponent, { ...base, ...fields }),
  };
}
