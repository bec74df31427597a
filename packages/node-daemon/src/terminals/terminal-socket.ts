/**
 * Terminals of a workspace over WebSocket (DESIGN.md §5, audience `workspace-terminal`), route
 * `terminal` of `nodeDaemonApi`:
 * `GET /workspaces/:workspaceId/terminal/ws?token=<viewer token>&cols=&rows=` upgrades to a
 * WebSocket joined to the workspace's shell (terminal-session.ts), started on first use in the
 * workspace's sandbox with the agent's environment minus its model gateway (workspace-sandbox.ts
 * `terminalCommand`): no token, no credential, no daemon variable. Viewer → daemon: `{type:"input", data}` and `{type:"resize", cols, rows}` as JSON
 * text; daemon → viewer: the shell's output as text frames (the recent output first).
 *
 * The token is the one `POST /api/projects/:projectId/workspaces/:workspaceId/viewer-token`
 * hands out. Refusals happen before the upgrade, as HTTP with a JSON error body: 401 bad token,
 * 403 token for another node or workspace, 404 unknown or stopped workspace.
 */
import { FlotillaError, errorMessage, notFound, type Logger } from '@flotilla/kit';
import type { JWTVerifyGetKey } from 'jose';
import { WebSocket, WebSocketServer } from 'ws';
import * as z from 'zod';
import { verifyViewerToken } from '../http/auth.js';
import { refuseUpgrade } from '../http/upgrade-refusal.js';
import type { UpgradeHandler } from '../http/upgrades.js';
import type { WorkspaceSandboxes } from '../workspace-sandbox/workspace-sandboxes.js';
import type { WorkspaceService } from '../workspaces/workspace-service.js';
import { loadPty, type PtyModule } from './pty-loader.js';
import { TerminalSession } from './terminal-session.js';

const ClientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('input'), data: z.string().max(64 * 1024) }),
  z.object({ type: z.literal('resize'), cols: z.number().int().min(2).max(1000), rows: z.number().int().min(2).max(1000) }),
]);

/** The shell a terminal runs: the daemon's SHELL, else bash (it runs inside the sandbox's read-only root). */
const SHELL = process.env.SHELL ?? '/bin/bash';

export interface TerminalSocketDeps {
  nodeId: string;
  keys: JWTVerifyGetKey;
  workspaces: WorkspaceService;
  /** Where the shells run (refusing, with the reason, where this node has no sandbox). */
  sandboxes: Pick<WorkspaceSandboxes, 'of'>;
  logger: Logger;
  /** A shell without viewers is closed after this long, in ms (config TERMINAL_IDLE_TIMEOUT_MS; default 10 min). */
  idleTimeoutMs: number;
}

function size(value: string | null, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n >= 2 && n <= 1000 ? n : fallback;
}

export interface TerminalSockets {
  /** Serves the upgrades of route `terminal` (http/upgrades.ts). */
  handleUpgrade: UpgradeHandler;
  /** Close every viewer connection and every shell (daemon shutdown). */
  close(): void;
}

/** The terminals' WebSocket server: it serves the upgrades `serveUpgrades` hands it. */
export function createTerminalSockets(deps: TerminalSocketDeps): TerminalSockets {
  const logger = deps.logger.child({ component: 'terminal' });
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 128 * 1024 });
  const terminals = new Map<string, TerminalSession>();
  const { idleTimeoutMs } = deps;

  const starting = new Map<string, Promise<TerminalSession>>();

  /** The workspace's live terminal, or a new one (concurrent first viewers share it). */
  const terminalOf = (pty: PtyModule, workspaceId: string, cols: number, rows: number): Promise<TerminalSession> => {
    const existing = terminals.get(workspaceId);
    if (existing?.alive) return Promise.resolve(existing);
    const pending = starting.get(workspaceId);
    if (pending) return pending;
    const start = deps.sandboxes
      .of(workspaceId)
      .catch((error: unknown) => {
        if (error instanceof FlotillaError) throw error;
        throw new FlotillaError('unavailable', `the workspace's terminal cannot start: ${errorMessage(error)}`);
      })
      .then((sandbox) => {
        const spec = sandbox.terminalCommand(SHELL);
        const session = new TerminalSession({
          ...spec,
          cols,
          rows,
          idleTimeoutMs,
          pty,
          onExit: () => {
            if (terminals.get(workspaceId) === session) terminals.delete(workspaceId);
          },
        });
        terminals.set(workspaceId, session);
        logger.info('terminal started', { workspaceId });
        return session;
      })
      .finally(() => starting.delete(workspaceId));
    starting.set(workspaceId, start);
    return start;
  };

  const serve = (socket: WebSocket, terminal: TerminalSession): void => {
    const detach = terminal.attach((data) => {
      if (socket.readyState === WebSocket.OPEN) socket.send(data);
    });
    socket.on('close', detach);
    socket.on('message', (raw: Buffer) => {
      let message: z.infer<typeof ClientMessage>;
      try {
        message = ClientMessage.parse(JSON.parse(raw.toString('utf8')));
      } catch {
        return;
      }
      if (message.type === 'input') terminal.write(message.data);
      else terminal.resize(message.cols, message.rows);
    });
  };

  const handleUpgrade: UpgradeHandler = ({ request, socket, head, url, params }) => {
    const workspaceId = params.workspaceId ?? '';
    const token = url.searchParams.get('token') ?? request.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
    verifyViewerToken(token, { keys: deps.keys, nodeId: deps.nodeId, workspaceId, logger })
      .then(async () => {
        if (deps.workspaces.getWorkspace(workspaceId).status !== 'running') throw notFound(`workspace ${workspaceId} is not running`);
        const pty = await loadPty();
        if (pty instanceof Error) {
          logger.warn('terminal refused: node-pty is not available', { workspaceId, error: pty.message });
          throw new FlotillaError('unavailable', `terminals are not available on this node: node-pty could not be loaded (${pty.message.split('\n')[0]})`);
        }
        const terminal = await terminalOf(pty, workspaceId, size(url.searchParams.get('cols'), 80), size(url.searchParams.get('rows'), 24));
        sockets.handleUpgrade(request, socket, head, (ws) => serve(ws, terminal));
      })
      .catch((error: unknown) => {
        const refused = error instanceof FlotillaError ? error : new FlotillaError('internal', 'internal error');
        if (!(error instanceof FlotillaError)) logger.error('terminal upgrade failed', { error: errorMessage(error) });
        refuseUpgrade(socket, refused);
      });
  };

  return {
    handleUpgrade,
    close() {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      for (const terminal of terminals.values()) terminal.close();
      terminals.clear();
    },
  };
}
