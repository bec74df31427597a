/**
 * The type of the daemon's route handlers: each routes/ file answers some routes of the
 * `nodeDaemonApi` table (contracts routes/node-daemon-api.ts) with the kit's `RouteHandler`s.
 */
import type { NodeDaemonApi } from '@flotilla/contracts';
import type { RouteHandlers } from '@flotilla/kit/hono';
import type { BlankEnv } from 'hono/types';

/** Handlers of the routes `K` of the daemon's table. */
export type DaemonRouteHandlers<K extends keyof NodeDaemonApi> = Pick<RouteHandlers<NodeDaemonApi, BlankEnv>, K>;
