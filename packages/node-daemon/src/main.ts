/**
 * Entry point of `flotilla-node-daemon` (bin/node-daemon.mjs). Reads the environment, takes the
 * agent credentials out of it, starts the daemon, prints one JSON line
 * `{"msg":"node daemon listening","url":…}` on stdout, announces itself to the control plane
 * (`nodeReady`, retried), heartbeats, and shuts down cleanly on SIGTERM/SIGINT (exit 0).
 *
 * Started with contracts NODE_DAEMON_STANDBY_FLAG (`--standby`, the local cloud's pre-started
 * process: standby.ts), it first waits for its node's own settings on stdin and sets them over its
 * environment; its code is loaded by then.
 *
 * Exit codes: 0 after a signal, or when a standby's stdin ends before its settings came; 1 when
 * the configuration is invalid, the daemon cannot start, or the control plane refuses (or never
 * answers) `nodeReady`.
 */
import { readFileSync } from 'node:fs';
import { NODE_DAEMON_STANDBY_FLAG } from '@flotilla/contracts';
import { errorMessage } from '@flotilla/kit';
import { credentialNames, takeAgentCredentials } from './agent-credentials.js';
import { ConfigError, readConfig } from './config.js';
import { type RunningDaemon, startDaemon } from './daemon.js';
import { createDaemonLogger } from './logging.js';
import { readStandbyConfig } from './standby.js';
import { DAEMON_VERSION } from './version.js';

const logger = createDaemonLogger('node-daemon');

/** As a standby: wait for the node's own settings on stdin and set them (false: stdin ended, nothing to run). */
async function takeStandbyConfig(): Promise<boolean> {
  try {
    const env = await readStandbyConfig(process.stdin);
    if (env === null) return false;
    Object.assign(process.env, env);
    return true;
  } catch (error) {
    logger.error('invalid configuration', { error: errorMessage(error) });
    process.exit(1);
  }
}

async function main(): Promise<void> {
  // First thing: nothing else may read or inherit the credentials from process.env.
  const credentials = takeAgentCredentials(process.env);
  let daemon: RunningDaemon;
  try {
    const config = readConfig(process.env, (path) => readFileSync(path, 'utf8'));
    const nodeLogger = logger.child({ component: 'node-daemon', nodeId: config.nodeId });
    daemon = await startDaemon({ config, credentials, logger: nodeLogger });
    nodeLogger.info('agent credentials available', { names: credentialNames(credentials) });
  } catch (error) {
    logger.error(error instanceof ConfigError ? 'invalid configuration' : 'node daemon failed to start', {
      error: errorMessage(error),
    });
    process.exit(1);
  }

  let exiting = false;
  const shutDown = (signal: string, code: number): void => {
    if (exiting) return;
    exiting = true;
    logger.info('node daemon stopping', { signal });
    daemon.stop().then(
      () => process.exit(code),
      (error: unknown) => {
        logger.error('unclean shutdown', { error: errorMessage(error) });
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutDown('SIGTERM', 0));
  process.once('SIGINT', () => shutDown('SIGINT', 0));

  process.stdout.write(`${JSON.stringify({ msg: 'node daemon listening', url: daemon.url, version: DAEMON_VERSION })}\n`);

  try {
    // Before the announcement (whose first fetch loads Node's HTTP client, ~15 ms) and so before
    // any request is served: a create request naming the warm agent finds it.
    daemon.startWarmAgent();
    await daemon.controlPlane.nodeReady({ url: daemon.url, daemonVersion: DAEMON_VERSION, sandbox: daemon.sandbox, agents: daemon.agents });
    logger.info('node ready announced to the control plane', { url: daemon.url });
  } catch (error) {
    logger.error('control plane did not accept nodeReady; exiting', { error: errorMessage(error) });
    shutDown('nodeReady failed', 1);
    return;
  }
  daemon.startHeartbeat();
}

if (!process.argv.slice(2).includes(NODE_DAEMON_STANDBY_FLAG) || (await takeStandbyConfig())) await main();
