import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { client, methods, RequestError } from '@agentclientprotocol/sdk';
import type {
  ClientApp,
  ReadTextFileRequest,
  RequestPermissionRequest,
  SessionNotification,
  WriteTextFileRequest,
} from '@agentclientprotocol/sdk';

/** Options of {@link createRecordingClient}. */
export interface RecordingClientOptions {
  /** How to answer `session/request_permission`. Default 'allow'. */
  permission?: 'allow' | 'reject';
  /** When set, `fs/write_text_file` fails with this message instead of writing. */
  failWritesWith?: string;
}

/** A client app that records what the agent sends and serves fs requests from disk. */
export interface RecordingClient {
  app: ClientApp;
  updates: SessionNotification[];
  /** Date.now() at which each entry of `updates` arrived. */
  updateTimes: number[];
  permissionRequests: RequestPermissionRequest[];
  writes: WriteTextFileRequest[];
  reads: ReadTextFileRequest[];
  /** Text of all agent_message_chunk updates, concatenated. */
  agentText: () => string;
}

/**
 * Builds an ACP client for tests: records every `session/update`, answers permission requests
 * (allow: first allow_once, else allow_always option; reject: first reject option), and
 * implements `fs/read_text_file` / `fs/write_text_file` on the local disk.
 * Whether the agent uses the fs methods depends on the capabilities sent in `initialize`.
 */
export function createRecordingClient(options: RecordingClientOptions = {}): RecordingClient {
  const recorded = {
    updates: [] as SessionNotification[],
    updateTimes: [] as number[],
    permissionRequests: [] as RequestPermissionRequest[],
    writes: [] as WriteTextFileRequest[],
    reads: [] as ReadTextFileRequest[],
  };
  const wanted = options.permission === 'reject' ? ['reject_once', 'reject_always'] : ['allow_once', 'allow_always'];
  const app = client({ name: 'flotilla-testkit-client' })
    .onNotification(methods.client.session.update, ({ params }) => {
      recorded.updates.push(params);
      recorded.updateTimes.push(Date.now());
    })
    .onRequest(methods.client.session.requestPermission, ({ params }) => {
      recorded.permissionRequests.push(params);
      const option = wanted
        .map((kind) => params.options.find((candidate) => candidate.kind === kind))
        .find((candidate) => candidate !== undefined);
      if (!option) return { outcome: { outcome: 'cancelled' } };
      return { outcome: { outcome: 'selected', optionId: option.optionId } };
    })
    .onRequest(methods.client.fs.writeTextFile, async ({ params }) => {
      recorded.writes.push(params);
      if (options.failWritesWith) throw new RequestError(-32603, options.failWritesWith);
      await mkdir(dirname(params.path), { recursive: true });
      await writeFile(params.path, params.content, 'utf8');
      return {};
    })
    .onRequest(methods.client.fs.readTextFile, async ({ params }) => {
      recorded.reads.push(params);
      const content = await readFile(params.path, 'utf8').catch(() => {
        throw RequestError.resourceNotFound(params.path);
      });
      return { content: sliceLines(content, params.line, params.limit) };
    });
  const agentText = (): string =>
    recorded.updates
      .map((n) => (n.update.sessionUpdate === 'agent_message_chunk' && n.update.content.type === 'text' ? n.update.content.text : ''))
      .join('');
  return { app, ...recorded, agentText };
}

/** Returns `limit` lines of `content` starting at 1-based `line` (all when both are absent). */
function sliceLines(content: string, line?: number | null, limit?: number | null): string {
  if (!line && !limit) return content;
  const lines = content.split('\n');
  const start = Math.max(0, (line ?? 1) - 1);
  return lines.slice(start, limit ? start + limit : undefined).join('\n');
}
