/**
 * The direct channel of a workspace's agent (issue 3; contracts agent-stream.ts), route
 * `agentStream` of `nodeDaemonApi`:
 * `GET /workspaces/:workspaceId/agent/ws?token=<viewer token>&after=<seq>` upgrades to a
 * WebSocket (`ws`) that first replays the buffered raw ACP updates of the workspace's running
 * agent session after `after`, then streams each new one as it arrives (`{type:"update",…}`).
 * A viewer may send `{type:"prompt", text}`: it is delivered to the agent as a follow-up
 * (`AgentSessionService.sendFollowUpPrompt`) and persisted in the chat like every other message.
 * With permission policy `ask`, the agent's permission requests are events too
 * (`permission.requested`, open ones replayed on connect; `permission.resolved`), answered by a
 * viewer's `{type:"permission", requestId, optionId}` (agents/permission-requests.ts).
 *
 * A viewer that does not keep up — more than AGENT_STREAM_MAX_BUFFERED_BYTES sent to it and not
 * yet taken — is disconnected with close code 1013 (try again later; viewer-sender.ts) instead of
 * growing the daemon's memory without bound; it reconnects with `after` = the last `seq` it
 * received and misses nothing the update buffer still holds.
 *
 * Refusals happen before the upgrade, as HTTP with a JSON `{error:{code,message}}` body: 400 bad
 * `after`, 401 missing/invalid token, 403 token for another node or workspace, 404 no running
 * agent in the workspace, 503 signing keys unavailable (unknown paths: upgrades.ts).
 */
import type { IncomingMessage } from 'node:http';
import { AgentStreamClientMessage, FOLLOW_UP_PROMPT_MAX_CHARS, describeZodError, type AgentStreamEvent } from '@flotilla/contracts';
import { FlotillaError, badRequest, errorMessage, notFound, type Logger } from '@flotilla/kit';
import type { JWTVerifyGetKey } from 'jose';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AgentSessionService } from '../agents/session/agent-session-service.js';
import type { RecordedUpdate } from '../agents/session/agent-update-stream.js';
import type { AgentSession } from '../agents/session/agent-session.js';
import type { OpenPermissionRequest, PermissionResolution } from '../agents/acp/permission-requests.js';
import { verifyViewerToken } from './auth.js';
import { refuseUpgrade } from './upgrade-refusal.js';
import type { UpgradeHandler } from './upgrades.js';
import { createViewerSender } from './viewer-sender.js';

/** Largest frame a viewer may send: a prompt of the maximum length in UTF-8, plus its envelope. */
const MAX_CLIENT_FRAME_BYTES = FOLLOW_UP_PROMPT_MAX_CHARS * 4 + 1024;

export interface AgentStreamSocketDeps {
  nodeId: string;
  keys: JWTVerifyGetKey;
  agentSessions: AgentSessionService;
  logger: Logger;
  /** AGENT_STREAM_MAX_BUFFERED_BYTES: unsent bytes to one viewer before it is disconnected. */
  maxBufferedBytes: number;
}

export interface AgentStreamSockets {
  /** Serves the upgrades of route `agentStream` (upgrades.ts). */
  handleUpgrade: UpgradeHandler;
  /** Close every viewer connection (daemon shutdown). */
  close(): void;
}

function tokenOf(request: IncomingMessage, url: URL): string | undefined {
  const fromQuery = url.searchParams.get('token');
  if (fromQuery) return fromQuery;
  return request.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
}

function afterOf(url: URL): number {
  const raw = url.searchParams.get('after');
  if (raw === null || raw === '') return 0;
  if (!/^\d+$/.test(raw)) throw badRequest('after must be a non-negative integer');
  return Number(raw);
}

function updateEvent(agentSessionId: string, recorded: RecordedUpdate): AgentStreamEvent {
  return { type: 'update', agentSessionId, seq: recorded.seq, receivedAt: recorded.receivedAt, update: recorded.update };
}

/** The direct channel's WebSocket server: it serves the upgrades `serveUpgrades` hands it. */
export function createAgentStreamSockets(deps: AgentStreamSocketDeps): AgentStreamSockets {
  const logger = deps.logger.child({ component: 'agent-stream' });
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_FRAME_BYTES });

  const authorize = async (request: IncomingMessage, url: URL, workspaceId: string): Promise<{ live: AgentSession; after: number }> => {
    const after = afterOf(url);
    await verifyViewerToken(tokenOf(request, url), { keys: deps.keys, nodeId: deps.nodeId, workspaceId, logger });
    const live = deps.agentSessions.liveSessionOf(workspaceId);
    if (!live) throw notFound(`no agent is running in workspace ${workspaceId}`);
    return { live, after };
  };

  const serve = (socket: WebSocket, live: AgentSession, after: number): void => {
    const send = createViewerSender<AgentStreamEvent>(socket, {
      maxBufferedBytes: deps.maxBufferedBytes,
      onCut: (bufferedBytes) => logger.warn('viewer too slow; disconnected', { workspaceId: live.workspaceId, bufferedBytes }),
    });
    // Replay and subscribe in one synchronous step: no update can fall between the two.
    for (const recorded of live.updates.since(after)) send(updateEvent(live.agentSessionId, recorded));
    for (const open of live.permissions.open()) send({ type: 'permission.requested', agentSessionId: live.agentSessionId, ...open });
    const onUpdate = (recorded: RecordedUpdate): void => send(updateEvent(live.agentSessionId, recorded));
    const onRequested = (open: OpenPermissionRequest): void => send({ type: 'permission.requested', agentSessionId: live.agentSessionId, ...open });
    const onResolved = (resolution: PermissionResolution): void => send({ type: 'permission.resolved', agentSessionId: live.agentSessionId, ...resolution });
    live.updates.on('update', onUpdate);
    live.permissions.on('requested', onRequested);
    live.permissions.on('resolved', onResolved);
    socket.on('close', () => {
      live.updates.off('update', onUpdate);
      live.permissions.off('requested', onRequested);
      live.permissions.off('resolved', onResolved);
    });
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      let parsed: ReturnType<typeof AgentStreamClientMessage.safeParse>;
      try {
        parsed = AgentStreamClientMessage.safeParse(JSON.parse(isBinary ? '' : data.toString('utf8')));
      } catch {
        send({ type: 'error', code: 'bad_request', message: 'a message must be JSON text' });
        return;
      }
      if (!parsed.success) {
        send({ type: 'error', code: 'bad_request', message: describeZodError(parsed.error) });
        return;
      }
      const message = parsed.data;
      try {
        if (message.type === 'permission') {
          live.permissions.answer(message.requestId, message.optionId);
          return;
        }
        const accepted = deps.agentSessions.sendFollowUpPrompt(live.workspaceId, message.text);
        send({ type: 'prompt.accepted', ...accepted });
      } catch (error) {
        const refused = error instanceof FlotillaError ? error : new FlotillaError('internal', errorMessage(error));
        const { code, message: text } = refused.toBody().error;
        send({ type: 'error', code, message: text });
      }
    });
    logger.info('viewer connected', { workspaceId: live.workspaceId, agentSessionId: live.agentSessionId, after });
  };

  return {
    handleUpgrade: ({ request, socket, head, url, params }) => {
      const workspaceId = params.workspaceId ?? '';
      authorize(request, url, workspaceId).then(
        ({ live, after }) => sockets.handleUpgrade(request, socket, head, (ws) => serve(ws, live, after)),
        (error: unknown) => {
          const refused = error instanceof FlotillaError ? error : new FlotillaError('internal', 'internal error');
          if (!(error instanceof FlotillaError)) logger.error('viewer upgrade failed', { error: errorMessage(error) });
          refuseUpgrade(socket, refused);
        },
      );
    },
    close() {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
    },
  };
}
