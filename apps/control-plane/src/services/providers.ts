/**
 * Which provider the control plane provisions nodes with (`local` or `hetzner`), and how a
 * provider-neutral VM size maps to the provider's machine type (issue 6, items 5 and 6).
 * Hetzner settings are Worker vars: HETZNER_API_URL, HETZNER_SERVER_TYPES
 * (`small=cx22,medium=cx32,large=cx42`), HETZNER_IMAGE, HETZNER_LOCATION; the API token is the
 * user's saved cloud credential.
 */
import type { VmSize } from '@flotilla/contracts';
import {
  createHetznerProvider,
  createLocalProvider,
  DEFAULT_HETZNER_IMAGE,
  DEFAULT_HETZNER_LOCATION,
  DEFAULT_HETZNER_SERVER_TYPES,
  HETZNER_API_URL,
  type Provider,
} from '@flotilla/providers';
import { stringVar, type Env } from '../env.js';
import { PermanentError } from '../lib/errors.js';
import { readCloudToken } from './cloud-credentials.js';

/** Whose node it is: cloud providers use that user's saved credentials. */
export interface ProviderContext {
  userId: string;
}

/** HETZNER_SERVER_TYPES (`size=type,…`) over the defaults. */
function hetznerServerTypes(env: Env): Record<string, string> {
  const types = { ...DEFAULT_HETZNER_SERVER_TYPES };
  for (const pair of (stringVar(env, 'HETZNER_SERVER_TYPES') ?? '').split(',').filter(Boolean)) {
    const [size, type] = pair.split('=').map((s) => s.trim());
    if (!size || !type) throw new PermanentError(`HETZNER_SERVER_TYPES must look like small=cx22,medium=cx32,large=cx42; got ${pair}`);
    types[size] = type;
  }
  return types;
}

/** The Hetzner settings of this deployment (everything but the token). */
export function hetznerSettings(env: Env) {
  return {
    baseUrl: stringVar(env, 'HETZNER_API_URL') ?? HETZNER_API_URL,
    serverTypes: hetznerServerTypes(env),
    image: stringVar(env, 'HETZNER_IMAGE') ?? DEFAULT_HETZNER_IMAGE,
    location: stringVar(env, 'HETZNER_LOCATION') ?? DEFAULT_HETZNER_LOCATION,
  };
}

/**
 * The provider `name` for calls that time out after `requestTimeoutMs` (ms).
 * @throws PermanentError for an unknown provider, a missing configuration, or a cloud provider
 *   for which the user saved no credential (the message says what to configure)
 */
export async function getProvider(env: Env, name: string, requestTimeoutMs: number, context?: ProviderContext): Promise<Provider> {
  if (name === 'local') {
    if (!env.LOCAL_CLOUD_URL) {
      throw new PermanentError('the local provider needs LOCAL_CLOUD_URL: start the control plane with `flotilla up`');
    }
    return createLocalProvider({ cloudUrl: env.LOCAL_CLOUD_URL, requestTimeoutMs });
  }
  if (name === 'hetzner') {
    const token = context ? await readCloudToken(env, context.userId, 'hetzner') : null;
    if (!token) {
      throw new PermanentError('no Hetzner API token is saved: save one with PUT /api/credentials/cloud/hetzner {"token": "<read & write API token of your Hetzner project>"}');
    }
    return createHetznerProvider({ token, requestTimeoutMs, ...hetznerSettings(env) });
  }
  throw new PermanentError(`unknown provider ${name}`);
}

/** Asks provider `name` whether it accepts `token` (for saving credentials). */
export function tokenValidator(env: Env, name: string, requestTimeoutMs: number): ((token: string) => Promise<boolean>) | null {
  if (name === 'hetzner') return (token) => createHetznerProvider({ token, requestTimeoutMs, ...hetznerSettings(env) }).validateToken();
  return null;
}

/** Local nodes are processes on this machine: the size is recorded, the machine type says so. */
const LOCAL_MACHINE_TYPES: Record<VmSize, string> = { small: 'local-small', medium: 'local-medium', large: 'local-large' };

/** The machine type provider `name` provisions for `size`. */
export function machineTypeFor(env: Env, name: string, size: VmSize): string {
  if (name === 'local') return LOCAL_MACHINE_TYPES[size];
  if (name === 'hetzner') {
    const type = hetznerServerTypes(env)[size];
    if (!type) throw new PermanentError(`no Hetzner server type is configured for size ${size} (HETZNER_SERVER_TYPES)`);
    return type;
  }
  throw new PermanentError(`unknown provider ${name}`);
}

/** Where provider `name` places new nodes (null: the provider has no locations). */
export function locationFor(env: Env, name: string): string | null {
  if (name === 'local') return null;
  if (name === 'hetzner') return hetznerSettings(env).location;
  throw new PermanentError(`unknown provider ${name}`);
}
