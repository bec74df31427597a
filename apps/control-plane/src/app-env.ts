/**
 * Hono typing of this Worker: its bindings (`Env`), the principal the auth middleware of each
 * route's auth kind sets (auth/), and the handler maps each domain exports for its routes of
 * the route tables (contracts routes/): `PublicHandlers<'createTask' | …>`.
 */
import type { CallbackApi, ProjectRole, PublicApi } from '@flotilla/contracts';
import type { RouteHandler } from '@flotilla/kit/hono';
import type { Principal } from './auth/principal.js';
import type { Env } from './env.js';

export interface AppEnv {
  Bindings: Env;
  Variables: {
    /** Who is calling, set by the auth middleware of the route's auth kind (absent on public routes). */
    principal: Principal;
    /** The caller's role in the route's project, set by the access check on `project:*` routes (members/access.ts; `owner` for the operator). */
    projectRole: ProjectRole;
  };
}

/** Handlers of the public API routes named `K`. */
export type PublicHandlers<K extends keyof PublicApi> = { [P in K]: RouteHandler<PublicApi[P], AppEnv> };

/** Handlers of the node daemons' callback routes named `K`. */
export type CallbackHandlers<K extends keyof CallbackApi> = { [P in K]: RouteHandler<CallbackApi[P], AppEnv> };
