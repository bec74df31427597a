/**
 * Agent keys (issue 13, item 2): per agent type a credential stored encrypted through
 * `PUT /api/credentials/agents/:agentType` — an API key, or for Claude Code a subscription's
 * OAuth token (`claude setup-token`) — with the base URL of the model API it is for and, for the
 * agents whose model API takes one, the model (OpenCode, Qwen Code and Cline need it; Codex and
 * Gemini CLI take it). What is stored shows masked, with its base URL and model; Remove deletes
 * it. Storing or removing refreshes the agent pickers (`GET /api/agents`). On a server without the
 * credentials API, says so instead of failing.
 */
import { AGENT_CATALOG, AgentType, MODEL_API_SETTINGS, type PutAgentCredentialRequest } from '@flotilla/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError, errorText } from '../../lib/api';
import { keys } from '../../lib/queries';
import { useTransientNotice } from '../../lib/transient-notice';
import { ConfirmButton } from '../ui/ConfirmButton';

type SecretKind = 'apiKey' | 'oauthToken';

/** The variables of `agentType`'s model API (contracts `MODEL_API_SETTINGS`). */
const settingsOf = (agentType: AgentType) => MODEL_API_SETTINGS[AGENT_CATALOG[agentType].modelApi];
/** Whether `agentType` takes Claude Code's OAuth token. */
const takesOAuthToken = (agentType: AgentType) => (settingsOf(agentType).secrets as readonly string[]).includes('CLAUDE_CODE_OAUTH_TOKEN');

export function AgentKeys() {
  const queryClient = useQueryClient();
  const credentials = useQuery({ queryKey: keys.credentials, queryFn: api.listCredentials, retry: false });
  const [agent, setAgent] = useState<AgentType>('claude-code');
  const [secretKind, setSecretKind] = useState<SecretKind>('apiKey');
  const [secret, setSecret] = useState('');
  const [baseUrl, setBaseUrl] = useState('');
  const [model, setModel] = useState('');
  const settings = settingsOf(agent);
  const kind: SecretKind = takesOAuthToken(agent) ? secretKind : 'apiKey';
  const done = useTransientNotice();
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: keys.credentials });
    void queryClient.invalidateQueries({ queryKey: keys.agents });
  };
  const save = useMutation({
    mutationFn: () => {
      const credential: PutAgentCredentialRequest = kind === 'oauthToken' ? { oauthToken: secret } : { apiKey: secret };
      if (baseUrl.trim()) credential.baseUrl = baseUrl.trim();
      if (settings.model && model.trim()) credential.model = model.trim();
      return api.putAgentCredential(agent, credential);
    },
    onSuccess: () => {
      setSecret('');
      done.show('Key stored.');
      remove.reset();
      refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (agentType: string) => api.deleteAgentCredential(agentType),
    onSuccess: () => {
      done.show('Key removed.');
      save.reset();
      refresh();
    },
  });
  const unavailable = credentials.error instanceof ApiError && credentials.error.notFound;
  const agentKeys = credentials.data?.filter((c) => c.kind === 'agent');
  const saveError = save.error instanceof ApiError && save.error.notFound ? 'Storing agent keys is not available on this server yet.' : errorText(save.error);
  const labelOf = (name: string) => AGENT_CATALOG[name as AgentType]?.label ?? name;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };

  return (
    <form className="card form agent-keys" onSubmit={submit} aria-labelledby="keys-title">
      <h2 id="keys-title">Agent keys</h2>
      {unavailable && <p className="muted small">This server does not store credentials yet: agents use the keys in the environment of <code>flotilla up</code>.</p>}
      {credentials.isError && !unavailable && <p role="alert" className="error small">{errorText(credentials.error)}</p>}
      {agentKeys && (
        <ul className="key-list" aria-label="Stored keys">
          {agentKeys.length === 0 && <li className="muted small">No agent keys stored.</li>}
          {agentKeys.map((c) => (
            <li key={c.name}>
              <span>
                {labelOf(c.name)}: <code>{c.masked}</code>
                {c.model && (
                  <>
                    {' '}
                    · model <code>{c.model}</code>
                  </>
                )}
                {c.baseUrl && (
                  <>
                    {' '}
                    · <code className="url">{c.baseUrl}</code>
                  </>
                )}
              </span>
              <ConfirmButton className="small" onConfirm={() => remove.mutate(c.name)} disabled={remove.isPending} aria-label={`Remove the ${labelOf(c.name)} key`} question="Remove this key?" confirmLabel="Yes, remove">
                Remove
              </ConfirmButton>
            </li>
          ))}
        </ul>
      )}
      {!unavailable && (
        <>
          <p className="muted small">
            A stored key is encrypted, never shown again, and handed only to that agent&apos;s model gateway when a task starts it — with its base URL and model, instead of the{' '}
            <code>{settings.secrets[0]}</code>, <code>{settings.baseUrl}</code>
            {settings.model && (
              <>
                {' '}
                and <code>{settings.model}</code>
              </>
            )}{' '}
            in the environment of <code>flotilla up</code>.
          </p>
          <div className="row">
            <label>
              Agent
              <select value={agent} onChange={(e) => setAgent(AgentType.parse(e.target.value))}>
                {AgentType.options.map((option) => (
                  <option key={option} value={option}>
                    {AGENT_CATALOG[option].label}
                  </option>
                ))}
              </select>
            </label>
            {takesOAuthToken(agent) && (
              <label>
                Credential
                <select value={kind} onChange={(e) => setSecretKind(e.target.value === 'oauthToken' ? 'oauthToken' : 'apiKey')}>
                  <option value="apiKey">API key</option>
                  <option value="oauthToken">Subscription OAuth token (claude setup-token)</option>
                </select>
              </label>
            )}
            <label>
              {kind === 'oauthToken' ? 'OAuth token' : 'API key'}
              <input type="password" autoComplete="off" value={secret} onChange={(e) => setSecret(e.target.value)} minLength={8} required />
            </label>
          </div>
          <div className="row">
            <label>
              Base URL (optional)
              <input type="url" value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} placeholder={settings.model ? 'https://…/v1 — an OpenAI-compatible server' : 'https://… — the API’s own when empty'} />
            </label>
            {settings.model && (
              <label>
                {AGENT_CATALOG[agent].requiresModel ? 'Model' : 'Model (optional)'}
                <input value={model} onChange={(e) => setModel(e.target.value)} required={AGENT_CATALOG[agent].requiresModel} placeholder={AGENT_CATALOG[agent].requiresModel ? 'e.g. qwen3-coder' : 'the agent’s default when empty'} />
              </label>
            )}
          </div>
          {save.isError && <p role="alert" className="error small">{saveError}</p>}
          {remove.isError && <p role="alert" className="error small">{errorText(remove.error)}</p>}
          {done.notice && <p role="status" className="notice small">{done.notice}</p>}
          <button type="submit" disabled={save.isPending}>
            Store key
          </button>
        </>
      )}
    </form>
  );
}
