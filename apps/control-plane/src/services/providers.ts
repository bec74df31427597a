/** Which provider the control plane provisions nodes with. Only `local` exists so far. */
import { createLocalProvider, type Provider } from '@flotilla/providers';
import type { Env } from '../env.js';
import { PermanentError } from '../lib/errors.js';

export function getProvider(env: Env, name: string, requestTimeoutMs: number): Provider {
  if (name === 'local') {
    if (!env.LOCAL_CLOUD_URL) {
      throw new PermanentError('the local provider needs LOCAL_CLOUD_URL: start the control plane with `flotilla up`');
    }
    return createLocalProvider({ cloudUrl: env.LOCAL_CLOUD_URL, requestTimeoutMs });
  }
  throw new PermanentError(`unknown provider ${name}`);
}
