import type { Env } from './env.js';

/** Hono typing of this Worker: its bindings. */
export interface AppEnv {
  Bindings: Env;
}
