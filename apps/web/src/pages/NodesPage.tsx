/**
 * The nodes page (issue 6, item 9): every node that is not destroyed (`GET /api/nodes`, polled),
 * with its status — active, warm with the time left counting down, destroying —, provider, size
 * and machine type, and its workspaces; a node whose agents are not sandboxed says so (issue 12:
 * `none` "unsandboxed", `unavailable` "no sandbox — agents refused"; `bubblewrap` is the normal
 * case and says nothing); the agents its daemon announced (issue 13), each with what keeps it
 * from running there; the warm agent it keeps loaded for its next task (issue 15). A node with no
 * workspace can be destroyed now (`DELETE /api/nodes/:id`), e.g. a warm one nobody will use soon.
 */
import { AGENT_CATALOG, type AgentAvailability, type NodeInfo } from '@flotilla/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { WorkspaceLinkItem } from '../components/workspace/WorkspaceLink';
import { ConfirmButton } from '../components/ui/ConfirmButton';
import { api, errorText } from '../lib/api';
import { useDocumentTitle } from '../lib/document-title';
import { keys } from '../lib/queries';
import { relativeTime } from '../lib/time';

/** How often the node list is fetched again. */
const NODES_POLL_MS = 5_000;

/** What the page calls each node status (`ready` is a node in use: "active"). */
const STATUS_LABEL: Record<NodeInfo['status'], string> = {
  provisioning: 'provisioning',
  ready: 'active',
  warm: 'warm',
  destroying: 'destroying',
  destroyed: 'destroyed',
  error: 'error',
};

/** What the page says of a node's sandbox: nothing for the normal case (bubblewrap), nor before the node is ready (null). */
const SANDBOX_LABEL: Record<NonNullable<NodeInfo['sandbox']>, { text: string; title: string } | null> = {
  bubblewrap: null,
  none: { text: 'unsandboxed', title: 'Agents on this node run unconfined: its operator opted out of the sandbox (FLOTILLA_UNSAFE_NO_SANDBOX=1)' },
  unavailable: { text: 'no sandbox — agents refused', title: 'No sandbox can be made on this node (bubblewrap missing), so it starts no agent' },
};

/** `ms` as "12m 05s" (or "1h 02m"), never negative. */
export function formatTimeLeft(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}h ${pad(m)}m` : `${m}m ${pad(s)}s`;
}

/** The current time, updated every second (for the warm countdowns). */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/** Statuses a node may be destroyed from by hand (when it has no workspace). */
const DESTROYABLE: ReadonlyArray<NodeInfo['status']> = ['ready', 'warm', 'error'];

function DestroyButton({ node }: { node: NodeInfo }) {
  const queryClient = useQueryClient();
  const destroy = useMutation({
    mutationFn: () => api.destroyNode(node.id),
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.nodes }),
  });
  return (
    <>
      <ConfirmButton className="small" disabled={destroy.isPending} onConfirm={() => destroy.mutate()} aria-label={`Destroy node ${node.id}`} question="Destroy this node?" confirmLabel="Yes, destroy">
        {destroy.isPending ? 'Destroying…' : 'Destroy'}
      </ConfirmButton>
      {destroy.isError && (
        <p role="alert" className="error small">
          {errorText(destroy.error)}
        </p>
      )}
    </>
  );
}

/** One agent as its node announced it: its label, and what keeps it from running there. */
function agentAvailabilityText(availability: AgentAvailability): string {
  const { label } = AGENT_CATALOG[availability.agentType];
  if (!availability.installed) return `${label} (not installed)`;
  return availability.missing.length > 0 ? `${label} (needs ${availability.missing.join(', ')})` : label;
}

function NodeCard({ node, now }: { node: NodeInfo; now: number }) {
  const label = STATUS_LABEL[node.status];
  const sandbox = node.sandbox === null ? null : SANDBOX_LABEL[node.sandbox];
  const warmLeft = node.status === 'warm' && node.warmUntil ? new Date(node.warmUntil).getTime() - now : null;
  return (
    <li className="card node-card" data-node-id={node.id} data-status={node.status} aria-labelledby={`node-${node.id}`}>
      <h2 id={`node-${node.id}`}>
        <code>{node.id}</code>
        <span className={`badge node-${label}`} data-testid="node-status">
          {node.status === 'provisioning' || node.status === 'destroying' ? <span className="spinner" aria-hidden="true" /> : null}
          {label}
        </span>
        {warmLeft !== null && (
          <span className="small" data-testid="warm-left" aria-live="off">
            {formatTimeLeft(warmLeft)} left
          </span>
        )}
        {sandbox && (
          <span className={`badge sandbox-${node.sandbox ?? ''}`} data-testid="node-sandbox" title={sandbox.title}>
            {sandbox.text}
          </span>
        )}
      </h2>
      <dl>
        <dt>Provider</dt>
        <dd>{node.provider}</dd>
        <dt>Size</dt>
        <dd>
          {node.size ?? '—'}
          {node.machineType ? ` (${node.machineType})` : ''}
          {node.location ? ` · ${node.location}` : ''}
        </dd>
        {node.url && (
          <>
            <dt>Address</dt>
            <dd>
              <code>{node.url}</code>
            </dd>
          </>
        )}
        <dt>Created</dt>
        <dd title={node.createdAt}>{relativeTime(node.createdAt, now)}</dd>
        <dt>Workspaces</dt>
        <dd>
          {node.workspaceIds.length === 0 ? (
            <span className="muted">none</span>
          ) : (
            <ul className="key-list" aria-label={`Workspaces on ${node.id}`}>
              {node.workspaces.length > 0
                ? node.workspaces.map((workspace) => (
                    <li key={workspace.workspaceId}>
                      <WorkspaceLinkItem workspace={workspace} describe />
                    </li>
                  ))
                : node.workspaceIds.map((id) => (
                    <li key={id}>
                      <code>{id}</code>
                    </li>
                  ))}
            </ul>
          )}
        </dd>
        {node.agents && (
          <>
            <dt>Agents</dt>
            <dd data-testid="node-agents">{node.agents.map(agentAvailabilityText).join(', ')}</dd>
          </>
        )}
        {node.warmAgent && (
          <>
            <dt>Warm agent</dt>
            <dd data-testid="node-warm-agent" title="Started and initialized ahead of any task: the next task of this agent on this node starts on it instead of waiting for the agent to load">
              {AGENT_CATALOG[node.warmAgent].label}, loaded for the next task
            </dd>
          </>
        )}
      </dl>
      {node.workspaceIds.length === 0 && DESTROYABLE.includes(node.status) && <DestroyButton node={node} />}
    </li>
  );
}

export function NodesPage() {
  const nodes = useQuery({ queryKey: keys.nodes, queryFn: api.listNodes, refetchInterval: NODES_POLL_MS });
  const now = useNow();
  useDocumentTitle('Nodes');
  return (
    <main className="page narrow">
      <h1>Nodes</h1>
      <p className="muted small">Machines running agents. After a task, a node stays warm for a while for the next task, then is destroyed.</p>
      {nodes.isPending && <p className="muted">Loading nodes…</p>}
      {nodes.isError && (
        <p role="alert" className="error">
          Could not load nodes: {errorText(nodes.error)}
        </p>
      )}
      {nodes.data?.length === 0 && <p className="muted">No nodes right now: one is provisioned when a task runs.</p>}
      {nodes.data && nodes.data.length > 0 && (
        <ul className="node-list" aria-label="Nodes">
          {nodes.data.map((node) => (
            <NodeCard key={node.id} node={node} now={now} />
          ))}
        </ul>
      )}
    </main>
  );
}
