/**
 * Helpers of the node capability tests (issue 6): nodes as the public API shows them, the node
 * sweep through `POST /api/nodes/sweep`, and the local cloud's view of a node's process.
 */
import { NodeInfo, NodeSweepResult, type LocalCloudNode, type NodeStatus } from '@flotilla/contracts';
import { createGitRepo, waitForTask, type TestStack } from '@flotilla/testkit/stack';
import type { CreateTaskRequest, TaskWithEvents } from '@flotilla/contracts';

async function json(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${response.url} answered ${response.status}: ${text}`);
  return JSON.parse(text);
}

/** `GET /api/nodes/:nodeId`. */
export async function fetchNode(stack: TestStack, nodeId: string): Promise<NodeInfo> {
  return NodeInfo.parse(await json(await fetch(`${stack.url}/api/nodes/${nodeId}`)));
}

/** Poll `GET /api/nodes/:nodeId` until the node has `status` (default 60 s). */
export async function waitForNodeStatus(stack: TestStack, nodeId: string, status: NodeStatus, timeoutMs = 60_000): Promise<NodeInfo> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const node = await fetchNode(stack, nodeId);
    if (node.status === status) return node;
    if (Date.now() > deadline) throw new Error(`node ${nodeId} still ${node.status} after ${timeoutMs} ms (wanted ${status})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** `POST /api/nodes/sweep`: run the node sweep now. */
export async function sweepNodesNow(stack: TestStack): Promise<NodeSweepResult> {
  return NodeSweepResult.parse(await json(await fetch(`${stack.url}/api/nodes/sweep`, { method: 'POST' })));
}

/** The local cloud's record of a node's process (as its API answers it), or null once the cloud no longer has it. */
export function localCloudNode(stack: TestStack, nodeId: string): LocalCloudNode | null {
  return stack.stack.localCloud.nodes().find((node) => node.nodeId === nodeId) ?? null;
}

/** Node ids the local cloud has started and not deleted. */
export function localCloudNodeIds(stack: TestStack): string[] {
  return stack.stack.localCloud.nodes().map((n) => n.nodeId);
}

/** Create a project on a fresh repository (optionally with a default VM size). */
export async function createProjectOnFreshRepo(stack: TestStack, settings: { defaultVmSize?: 'small' | 'medium' | 'large' } = {}) {
  const repo = createGitRepo({ 'README.md': '# nodes\n' });
  return stack.client.createProject({ name: 'nodes', repoUrl: repo, defaultBranch: 'main', ...settings });
}

/** Create a task with `run: true` (scripted agent) and wait until it ends. */
export async function runScriptedTask(stack: TestStack, projectId: string, description: string, extra: Partial<CreateTaskRequest> = {}, timeoutMs = 180_000): Promise<TaskWithEvents> {
  const created = await stack.client.createTask(projectId, { description, run: true, ...extra });
  return waitForTask(stack.client, created.id, timeoutMs);
}

