/**
 * The API tokens card of the Account page (issue 14 item 4): the user's personal tokens — name,
 * visible prefix, the projects it reaches, created, last used, expiry — each with Revoke (asked
 * first); the form for a new one; and a new token's secret, shown here once with a Copy button
 * and how to use it (`flotilla login`).
 */
import type { ApiTokenInfo, CreatedApiToken, Project } from '@flotilla/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { api, errorText } from '../../lib/api';
import { useProjects } from '../../lib/queries';
import { CopyButton } from '../result/CopyButton';
import { ConfirmButton } from '../ui/ConfirmButton';
import { NewApiTokenForm } from './NewApiTokenForm';
import { apiTokensKey, dayText, scopeText } from './token-words';

function TokenRow({ token, projects }: { token: ApiTokenInfo; projects: Project[] | undefined }) {
  const queryClient = useQueryClient();
  const revoke = useMutation({
    mutationFn: () => api.revokeApiToken(token.id),
    onSettled: () => queryClient.invalidateQueries({ queryKey: apiTokensKey }),
  });
  const expired = token.expiresAt !== null && Date.parse(token.expiresAt) <= Date.now();
  return (
    <li className="token-row" data-token-id={token.id}>
      <div className="token-text">
        <strong>{token.name}</strong>
        <code className="small">{token.prefix}…</code>
        <span className="small">{scopeText(token, projects)}</span>
        <span className="muted small">
          Created {dayText(token.createdAt, '—')} · last used {dayText(token.lastUsedAt, 'never')} · {expired ? 'expired' : 'expires'} {dayText(token.expiresAt, 'never')}
        </span>
        {revoke.isError && (
          <span role="alert" className="error small">
            {errorText(revoke.error)}
          </span>
        )}
      </div>
      <ConfirmButton className="small" disabled={revoke.isPending} onConfirm={() => revoke.mutate()} aria-label={`Revoke token ${token.name}`} question="Revoke this token?" confirmLabel="Yes, revoke">
        {revoke.isPending ? 'Revoking…' : 'Revoke'}
      </ConfirmButton>
    </li>
  );
}

function NewTokenSecret({ created }: { created: CreatedApiToken }) {
  return (
    <div role="status" className="token-secret">
      <p>
        <strong>{created.name}</strong>: copy this token now — it is not shown again.
      </p>
      <code aria-label="New API token">{created.token}</code>
      <div>
        <CopyButton text={created.token} label="Copy token" what="the API token" />
      </div>
      <p className="muted small">
        On the command line: <code>flotilla login --server {window.location.origin}</code>, then paste it. Scripts send it as “Authorization: Bearer &lt;token&gt;”.
      </p>
    </div>
  );
}

export function ApiTokensCard() {
  const titleId = useId();
  const tokens = useQuery({ queryKey: apiTokensKey, queryFn: api.listApiTokens });
  const projects = useProjects();
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  return (
    <>
      <section className="card form" aria-labelledby={titleId}>
        <h2 id={titleId}>API tokens</h2>
        <p className="muted small">Personal tokens for the CLI and scripts. A token works until it expires or you revoke it.</p>
        {created && <NewTokenSecret created={created} />}
        {tokens.isPending && <p className="muted small">Loading tokens…</p>}
        {tokens.isError && (
          <p role="alert" className="error small">
            Could not load tokens: {errorText(tokens.error)}
          </p>
        )}
        {tokens.data?.length === 0 && <p className="muted small">No API tokens yet.</p>}
        {tokens.data && tokens.data.length > 0 && (
          <ul className="token-list" aria-label="API tokens">
            {tokens.data.map((token) => (
              <TokenRow key={token.id} token={token} projects={projects.data} />
            ))}
          </ul>
        )}
      </section>
      <NewApiTokenForm projects={projects.data ?? []} onCreated={setCreated} />
    </>
  );
}
