/**
 * Node commands against a running control plane (`--server URL`, else the running `flotilla up`):
 * - `flotilla nodes [--json]`: every node that is not destroyed — status (warm with time left),
 *   provider, size, machine type, workspaces, the address its daemon announced;
 * - `flotilla nodes destroy <nodeId>`: destroy an unused node now (`DELETE /api/nodes/:id`;
 *   refused while it runs a workspace).
 * Each returns the process exit code: 0 done, 1 refused.
 */
import type { NodeInfo } from '@flotilla/contracts';
import { connectToServer, refusalsAsExitCode, write, type ServerOptions } from './server-connection.js';

function nodeLine(node: NodeInfo, nowMs: number): string {
  const status = node.status === 'ready' ? 'active' : node.status;
  const left = node.status === 'warm' && node.warmUntil ? ` (${Math.max(0, Math.round((Date.parse(node.warmUntil) - nowMs) / 60_000))} min left)` : '';
  const size = `${node.size ?? '-'}${node.machineType ? `/${node.machineType}` : ''}`;
  const workspaces = node.workspaceIds.length > 0 ? node.workspaceIds.join(',') : '-';
  return `${node.id}  ${`${status}${left}`.padEnd(22)}  ${node.provider.padEnd(8)}  ${size.padEnd(16)}  ${workspaces.padEnd(30)}  ${node.url ?? '-'}`;
}

/** `flotilla nodes [--json]`. */
export async function nodesCommand(options: ServerOptions & { json?: boolean }): Promise<number> {
  return refusalsAsExitCode(async () => {
    const nodes = await connectToServer(options).listNodes();
    if (options.json) write(JSON.stringify(nodes));
    else if (nodes.length === 0) write('No nodes: one is provisioned when a task runs.');
    else for (const node of nodes) write(nodeLine(node, Date.now()));
    return 0;
  });
}

/** `flotilla nodes destroy <nodeId>`. */
export async function destroyNodeCommand(nodeId: string, options: ServerOptions): Promise<number> {
  return refusalsAsExitCode(async () => {
    const node = await connectToServer(options).destroyNode(nodeId);
    write(`Node ${node.id} ${node.status}.`);
    return 0;
  });
}
