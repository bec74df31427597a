/**
 * A node daemon started as a standby (contracts NODE_DAEMON_STANDBY_FLAG, issue 15): the local
 * cloud spawns it ahead of any node, it loads its code, and it waits here for its node's own
 * settings before main.ts reads its configuration. A new local node then starts in the time the
 * daemon's start takes, not in the time Node.js needs to start and load the daemon first.
 */
import { NODE_STANDBY_CONFIG_MAX_BYTES, NodeStandbyConfig } from '@flotilla/contracts';
import { ConfigError } from './config-values.js';

/** What a refusal names as its source. */
const STDIN = 'standby configuration (stdin)';

/**
 * Read one {@link NodeStandbyConfig} JSON line from `input` (the standby's stdin) and stop reading.
 * @param maxBytes longest line read, in bytes (default contracts NODE_STANDBY_CONFIG_MAX_BYTES)
 * @returns the variables to set over the environment, or null when `input` ended before a line
 *   (the local cloud stopped without using this process)
 * @throws ConfigError when the line is longer than `maxBytes`, not JSON, or not the schema's shape
 */
export function readStandbyConfig(input: NodeJS.ReadableStream & { destroy?: () => void }, maxBytes = NODE_STANDBY_CONFIG_MAX_BYTES): Promise<Record<string, string> | null> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const finish = (settle: () => void): void => {
      input.off('data', onData);
      input.off('end', onEnd);
      input.off('error', onError);
      input.destroy?.();
      settle();
    };
    const onData = (chunk: Buffer | string): void => {
      buffered += chunk.toString();
      const newline = buffered.indexOf('\n');
      if (newline >= 0) {
        const line = buffered.slice(0, newline);
        finish(() => {
          try {
            resolve(parseStandbyConfig(line, maxBytes));
          } catch (error) {
            reject(error);
          }
        });
      } else if (Buffer.byteLength(buffered) > maxBytes) {
        finish(() => reject(new ConfigError(STDIN, `longer than ${maxBytes} bytes`)));
      }
    };
    const onEnd = (): void => finish(() => (buffered.trim() === '' ? resolve(null) : reject(new ConfigError(STDIN, 'ended without a newline'))));
    const onError = (error: Error): void => finish(() => reject(new ConfigError(STDIN, `could not be read: ${error.message}`)));
    input.on('data', onData);
    input.once('end', onEnd);
    input.once('error', onError);
  });
}

function parseStandbyConfig(line: string, maxBytes: number): Record<string, string> {
  if (Buffer.byteLength(line) > maxBytes) throw new ConfigError(STDIN, `longer than ${maxBytes} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    throw new ConfigError(STDIN, 'not JSON');
  }
  const parsed = NodeStandbyConfig.safeParse(json);
  if (!parsed.success) throw new ConfigError(STDIN, `not a standby configuration: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')}`);
  return parsed.data.env;
}
