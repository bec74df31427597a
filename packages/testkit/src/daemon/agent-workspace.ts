/**
 * A workspace on the daemon under test with an agent started in it, the way the control plane
 * sets one up: create the workspace (a fresh bare origin), wait for its ready callback, register
 * an agent session, start it (agent type `claude-code`: the scripted agent under the override of
 * daemon-process.ts) with a prompt. Shared by the daemon tests that need a running agent.
 */
import { randomUUID } from 'node:crypto';
import type { PermissionPolicy } from '@flotilla/contracts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { daemonApi, type DaemonApi } from './daemon-api.js';
import type { DaemonProcess } from './daemon-process.js';
import type { FakeControlPlane } from './fake-control-plane.js';
import { createBareOrigin } from './bare-origin.js';

export interface AgentWorkspaceOptions {
  nodeId: string;
  /** The agent's first prompt (scripted agent instructions). */
  prompt: string;
  /** Project and chat session (both null: nothing is persisted). */
  projectId?: string | null;
  chatSessionId?: string | null;
  agentSessionId?: string;
  permissionPolicy?: PermissionPolicy;
  /** A task's workspace (branch `task/<taskId>`; its end comes as a task callback); default none. */
  taskId?: string | null;
  /** The repository (default: a fresh bare origin). */
  repoUrl?: string;
}

/**
 * Create a workspace and start the agent in it; answers the ids.
 * @throws when the daemon refuses a step or the workspace is not ready within 30 s
 */
export async function startAgentWorkspace(api: DaemonApi, cp: FakeControlPlane, options: AgentWorkspaceOptions): Promise<{ workspaceId: string; agentSessionId: string }> {
  const workspaceId = `ws_${randomUUID().slice(0, 8)}`;
  const agentSessionId = options.agentSessionId ?? `as_${randomUUID().slice(0, 8)}`;
  const chatSessionId = options.chatSessionId ?? null;
  const taskId = options.taskId ?? null;
  const created = await api.request('POST', '/workspaces', {
    workspaceId,
    repoUrl: options.repoUrl ?? createBareOrigin(),
    baseBranch: 'main',
    branch: taskId ? `task/${taskId}` : `manual/${workspaceId}`,
    projectId: options.projectId ?? null,
    chatSessionId,
    taskId,
    callbackToken: await cp.callbackToken(options.nodeId, workspaceId),
  });
  if (created.status !== 202) throw new Error(`workspace not created: ${created.status}`);
  await cp.waitFor(() => cp.workspaceReady.find((r) => r.id === workspaceId), 30_000, 'workspace ready');
  await api.request('POST', `/workspaces/${workspaceId}/agent-sessions`, { agentSessionId, chatSessionId });
  const started = await api.request('POST', `/workspaces/${workspaceId}/agent-sessions/${agentSessionId}/start`, {
    agentType: 'claude-code',
    initialPrompt: options.prompt,
    taskId,
    taskTitle: null,
    ...(options.permissionPolicy ? { permissionPolicy: options.permissionPolicy } : {}),
  });
  if (started.status !== 202) throw new Error(`agent not started: ${started.status}`);
  return { workspaceId, agentSessionId };
}

/**
 * Run `prompt` as a task (a fresh id) on `daemon`, as {@link startAgentWorkspace} sets it up, and
 * wait (up to 60 s) for its task callback; answers the callback and a reader of files in its
 * checkout (`<dataDir>/workspaces/<id>/<name>`, utf8).
 */
export async function runDaemonTask(daemon: DaemonProcess, cp: FakeControlPlane, nodeId: string, prompt: string) {
  const api = daemonApi(daemon.url, await cp.managementToken(nodeId));
  const taskId = `tsk_${randomUUID().slice(0, 8)}`;
  const { workspaceId } = await startAgentWorkspace(api, cp, { nodeId, prompt, taskId });
  const callback = await cp.waitFor(() => cp.taskCallbacks.find((c) => c.id === taskId), 60_000, 'task callback');
  return { workspaceId, callback, read: (name: string) => readFileSync(join(daemon.dataDir, 'workspaces', workspaceId, name), 'utf8') };
}
