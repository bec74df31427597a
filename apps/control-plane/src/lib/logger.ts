/**
 * JSON-line logger for the Worker: `{"level","component","msg",...fields}` through console.
 * Never pass secrets (tokens, keys) as fields.
 */
export type LogFields = Record<string, unknown>;

export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export function createLogger(component: string, base: LogFields = {}): Logger {
  const write = (level: 'info' | 'warn' | 'error', msg: string, fields?: LogFields) => {
    const line = JSON.stringify({ ts: new Date().toISOString(), level, component, msg, ...base, ...fields });
    if (level === 'error') console.error(line);
    else if (level === 'warn') console.warn(line);
    else console.log(line);
  };
  return {
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
    child: (fields) => createLogger(component, { ...base, ...fields }),
  };
}

/** A readable message from anything thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
