/**
 * Which provider the control plane provisions nodes with (`local` or `hetzner`), and how a
 * provider-neutral VM size maps to the provider's machine type (issue 6, items 5 and 6).
 * Hetzner's settings are config `hetzner` (HETZNER_API_URL, HETZNER_SERVER_TYPES
 * `small=cx22,medium=cx32,large=cx42`, HETZNER_IMAGE, HETZNER_LOCATION); its API token is the
 * user's saved cloud credential; its servers carry this deployment's id (deployment.ts). The local
 * provider calls LOCAL_CLOUD_URL with the secret LOCAL_CLOUD_SECRET. Every provider call times out
 * after OUTBOUND_REQUEST_TIMEOUT_MS.
 */
import type { VmSize } from '@flotilla/contracts';
import { permanentFailure } from '@flotilla/kit';
import { createHetznerProvider, createLocalProvider, validateHetznerToken, type Provider } from '@flotilla/providers';
import { setting, type Config } from '../config.js';
import type { CredentialDeps } from '../credentials/agent-keys.js';
import { readCloudToken } from '../credentials/cloud-tokens.js';
import { deploymentId } from './deployment.js';

/** Whose node it is: cloud providers use that user's saved credentials. */
export interface ProviderContext {
  userId: string;
}

/**
 * The provider `name`.
 * @throws FlotillaError permanentFailure for an unknown provider, a missing configuration, or a
 *   cloud provider for which the user saved no credential (the message says what to configure)
 */
export async function getProvider(deps: CredentialDeps, name: string, context?: ProviderContext): Promise<Provider> {
  const requestTimeoutMs = deps.config.OUTBOUND_REQUEST_TIMEOUT_MS;
  if (name === 'local') return createLocalProvider({ cloudUrl: setting(deps.config.localCloudUrl), secret: setting(deps.config.localCloudSecret), requestTimeoutMs });
  if (name === 'hetzner') {
    const token = context ? await readCloudToken(deps, context.userId, 'hetzner') : null;
    if (!token) throw permanentFailure('no Hetzner API token is saved: save one with PUT /api/credentials/cloud/hetzner {"token": "<read & write API token of your Hetzner project>"}');
    return createHetznerProvider({ token, deploymentId: await deploymentId(deps), requestTimeoutMs, ...setting(deps.config.hetzner) });
  }
  throw permanentFailure(`unknown provider ${name}`);
}

/** Asks provider `name` whether it accepts `token` (for saving credentials); null for a provider that takes none. */
export function tokenValidator(config: Config, name: string): ((token: string) => Promise<boolean>) | null {
  if (name === 'hetzner') return (token) => validateHetznerToken({ token, requestTimeoutMs: config.OUTBOUND_REQUEST_TIMEOUT_MS, baseUrl: setting(config.hetzner).baseUrl });
  return null;
}

/** Local nodes are processes on this machine: the size is recorded, the machine type says so. */
const LOCAL_MACHINE_TYPES: Record<VmSize, string> = { small: 'local-small', medium: 'local-medium', large: 'local-large' };

/** The machine type provider `name` provisions for `size`. @throws FlotillaError permanentFailure when none is configured */
export function machineTypeFor(config: Config, name: string, size: VmSize): string {
  if (name === 'local') return LOCAL_MACHINE_TYPES[size];
  if (name === 'hetzner') {
    const type = setting(config.hetzner).serverTypes[size];
    if (!type) throw permanentFailure(`no Hetzner server type is configured for size ${size} (HETZNER_SERVER_TYPES)`);
    return type;
  }
  throw permanentFailure(`unknown provider ${name}`);
}

/** Where provider `name` places new nodes (null: the provider has no locations). @throws FlotillaError permanentFailure for an unknown provider */
export function locationFor(config: Config, name: string): string | null {
  if (name === 'local') return null;
  if (name === 'hetzner') return setting(config.hetzner).location;
  throw permanentFailure(`unknown provider ${name}`);
}
