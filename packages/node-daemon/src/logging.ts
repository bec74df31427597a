/**
 * The daemon's logger: the kit's structured logger (one JSON object a line:
 * `{"ts","level","component","msg",...fields}`, secret-named fields redacted) written to stderr,
 * dropping lines below FLOTILLA_LOG_LEVEL (`debug` | `info` | `warn` | `error`; default `info`).
 * Components are named with `logger.child({ component, ...fields })`. Never pass secrets.
 */
import { createLogger, isLogLevel, type Logger, type LogLevel, type LogSink } from '@flotilla/kit';

/** FLOTILLA_LOG_LEVEL's default. */
export const DEFAULT_LOG_LEVEL: LogLevel = 'info';

/** Writes each line to stderr (stdout carries only the daemon's "listening" line). */
export const stderrSink: LogSink = (_level, line) => {
  process.stderr.write(`${line}\n`);
};

/**
 * The logger of the daemon process.
 * @param component the component of its lines (`node-daemon`)
 * @param env where FLOTILLA_LOG_LEVEL is read (default `process.env`); an unknown level means the default
 */
export function createDaemonLogger(component: string, env: NodeJS.ProcessEnv = process.env): Logger {
  const configured = env.FLOTILLA_LOG_LEVEL;
  return createLogger(component, { level: isLogLevel(configured) ? configured : DEFAULT_LOG_LEVEL, sink: stderrSink });
}
