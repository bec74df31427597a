/**
 * The API token of a cloud provider (`PUT /api/credentials/cloud/:provider`): checked with the
 * provider before it is saved (a refused token shows the provider's answer), stored encrypted,
 * shown only masked. Projects whose nodes run on that provider need it.
 */
import type { ProviderName } from '@flotilla/contracts';
import { api } from '../../lib/api';
import { TokenForm } from './TokenForm';

const NAMES: Record<Exclude<ProviderName, 'local'>, string> = { hetzner: 'Hetzner Cloud' };

export function CloudToken({ provider }: { provider: Exclude<ProviderName, 'local'> }) {
  const name = NAMES[provider];
  return (
    <TokenForm
      title={`${name} API token`}
      kind="cloud"
      name={provider}
      inputLabel={`${name} token`}
      save={(token) => api.putCloudCredential(provider, token)}
      remove={() => api.deleteCloudCredential(provider)}
    >
      A read &amp; write token of your {name} project: Flotilla creates and deletes its nodes there. It is checked first, stored encrypted and never shown again.
    </TokenForm>
  );
}
