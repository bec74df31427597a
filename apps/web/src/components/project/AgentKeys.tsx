/**
 * Agent API keys: stored encrypted through `PUT /api/credentials/agents/:agentType`, shown only
 * masked, removed with `DELETE`. A stored key is handed to the agent when a task starts it. On a
 * server without the credentials API, says so instead of failing.
 */
import { AgentType } from '@flotilla/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError, errorText } from '../../lib/api';
import { keys } from '../../lib/queries';

/** Agent types that take an API key (contracts `AGENT_API_KEY_ENV`). */
const KEYED_AGENTS = AgentType.options;

export function AgentKeys() {
  const queryClient = useQueryClient();
  const credentials = useQuery({ queryKey: keys.credentials, queryFn: api.listCredentials, retry: false });
  const [agent, setAgent] = useState<AgentType>(KEYED_AGENTS[0] ?? 'claude-code');
  const [apiKey, setApiKey] = useState('');
  const refresh = () => void queryClient.invalidateQueries({ queryKey: keys.credentials });
  const save = useMutation({
    mutationFn: () => api.putAgentCredential(agent, apiKey),
    onSuccess: () => {
      setApiKey('');
      remove.reset();
      refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (agentType: string) => api.deleteAgentCredential(agentType),
    onSuccess: () => {
      save.reset();
      refresh();
    },
  });
  const unavailable = credentials.error instanceof ApiError && credentials.error.notFound;
  const agentKeys = credentials.data?.filter((c) => c.kind === 'agent');
  const saveError = save.error instanceof ApiError && save.error.notFound ? 'Storing agent keys is not available on this server yet.' : errorText(save.error);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };

  return (
    <form className="card form" onSubmit={submit} aria-labelledby="keys-title">
      <h2 id="keys-title">Agent API keys</h2>
      {unavailable && <p className="muted small">This server does not store credentials yet: agents use the keys in the environment of <code>flotilla up</code>.</p>}
      {credentials.isError && !unavailable && <p role="alert" className="error small">{errorText(credentials.error)}</p>}
      {agentKeys && (
        <ul className="key-list" aria-label="Stored keys">
          {agentKeys.length === 0 && <li className="muted small">No agent keys stored.</li>}
          {agentKeys.map((c) => (
            <li key={c.name}>
              {c.name}: <code>{c.masked}</code>{' '}
              <button type="button" className="small" onClick={() => remove.mutate(c.name)} disabled={remove.isPending} aria-label={`Remove the ${c.name} key`}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      {!unavailable && (
        <>
          <p className="muted small">A stored key is encrypted, never shown again, and handed only to that agent when a task starts it (instead of the key in the environment of <code>flotilla up</code>).</p>
          <div className="row">
            <label>
              Agent
              <select value={agent} onChange={(e) => setAgent(AgentType.parse(e.target.value))}>
                {KEYED_AGENTS.map((option) => (
                  <option key={option}>{option}</option>
                ))}
              </select>
            </label>
            <label>
              API key
              <input type="password" autoComplete="off" value={apiKey} onChange={(e) => setApiKey(e.target.value)} minLength={8} required />
            </label>
          </div>
          {save.isError && <p role="alert" className="error small">{saveError}</p>}
          {remove.isError && <p role="alert" className="error small">{errorText(remove.error)}</p>}
          {save.isSuccess && <p role="status" className="notice small">Key stored.</p>}
          {remove.isSuccess && <p role="status" className="notice small">Key removed.</p>}
          <button type="submit" disabled={save.isPending}>
            Store key
          </button>
        </>
      )}
    </form>
  );
}
