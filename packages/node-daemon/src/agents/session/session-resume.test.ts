/**
 * The agent session's part of a resume with `session/load` (session-resume.ts), on real files
 * with a hand-made ACP connection (the protocol itself runs against Claude Code in the capability
 * test resume-session-load.test.ts): the archived session is restored and loaded, the follow-up
 * sent alone; without `loadSession`, for an agent with no session files, or when the load fails,
 * `session/new` and the context prompt. At a task's end the files go out only for an agent that
 * offers `loadSession`, and a failed send never throws.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionArchiveCallbackRequest, StartAgentSessionRequest } from '@flotilla/contracts';
import { createLogger } from '@flotilla/kit';
import { afterEach, describe, expect, it } from 'vitest';
import type { AcpConnection, AcpSession } from '../acp/acp-connection.js';
import { claudeProjectDir } from '../registry/claude-code.js';
import { archiveSessionFiles, openResumableSession } from './session-resume.js';

const SESSION = '0b5e3f5e-1d7c-4d7e-9f2a-7f1e8f3c2a10';
const logger = createLogger('session-resume-test', { sink: () => undefined });
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'session-resume-'));
  dirs.push(dir);
  return dir;
}

function session(sessionId: string, canLoadSession = true): AcpSession {
  return { sessionId, canLoadSession, prompt: () => Promise.reject(new Error('not used')), cancel: () => Promise.resolve(), close: () => undefined };
}

/** A connection that records what was asked of it; `load` says how `session/load` answers. */
function connection(canLoadSession: boolean, load: 'ok' | 'fail'): AcpConnection & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    canLoadSession,
    newSession: () => {
      calls.push('new');
      return Promise.resolve(session('new-session'));
    },
    loadSession: (id) => {
      calls.push(`load ${id}`);
      return load === 'ok' ? Promise.resolve(session(id)) : Promise.reject(new Error('Resource not found'));
    },
    close: () => undefined,
  };
}

/** The archive of a Claude Code session with `transcript`, as the daemon sends it at a task's end. */
async function archiveOf(transcript: string): Promise<string> {
  const home = tempDir();
  const cwd = '/work/ws_first';
  mkdirSync(join(home, '.claude', 'projects', claudeProjectDir(cwd)), { recursive: true });
  writeFileSync(join(home, '.claude', 'projects', claudeProjectDir(cwd), `${SESSION}.jsonl`), transcript);
  const sent: SessionArchiveCallbackRequest[] = [];
  await archiveSessionFiles({ agentType: 'claude-code', agentSessionId: 'as_1', session: session(SESSION), place: () => Promise.resolve({ home, cwd }), maxBytes: 1024 * 1024 }, (body) => {
    sent.push(body);
    return Promise.resolve();
  }, logger);
  expect(sent).toHaveLength(1);
  expect(sent[0]).toMatchObject({ agentSessionId: 'as_1', agentType: 'claude-code', acpSessionId: SESSION });
  return sent[0]?.archive ?? '';
}

function request(agentType: StartAgentSessionRequest['agentType'], archive: string): StartAgentSessionRequest {
  return {
    agentType,
    initialPrompt: 'The conversation so far … The user now writes: go on',
    taskId: 'tsk_1',
    taskTitle: null,
    permissionPolicy: 'allow',
    sessionLoad: { acpSessionId: SESSION, archive, prompt: 'go on' },
  };
}

describe('opening a resumed agent session', () => {
  it('restores the archived transcript for the new cwd and loads the session; the follow-up goes alone', async () => {
    const archive = await archiveOf('{"type":"user"}\n');
    const home = tempDir();
    const acp = connection(true, 'ok');
    const opened = await openResumableSession(acp, request('claude-code', archive), () => Promise.resolve({ home, cwd: '/work/ws_second' }), logger);
    expect(acp.calls).toEqual([`load ${SESSION}`]);
    expect(opened.session.sessionId).toBe(SESSION);
    expect(opened.firstPrompt).toBe('go on');
    expect(readFileSync(join(home, '.claude', 'projects', claudeProjectDir('/work/ws_second'), `${SESSION}.jsonl`), 'utf8')).toBe('{"type":"user"}\n');
  });

  it('falls back to session/new and the context prompt when the load fails, the agent cannot load, or keeps no session files', async () => {
    const archive = await archiveOf('{"type":"user"}\n');
    const place = (home: string) => () => Promise.resolve({ home, cwd: '/work/ws_second' });

    const failing = connection(true, 'fail');
    const afterFailure = await openResumableSession(failing, request('claude-code', archive), place(tempDir()), logger);
    expect(failing.calls).toEqual([`load ${SESSION}`, 'new']);
    expect(afterFailure).toMatchObject({ firstPrompt: null, session: { sessionId: 'new-session' } });

    const cannot = connection(false, 'ok');
    const home = tempDir();
    expect((await openResumableSession(cannot, request('claude-code', archive), place(home), logger)).firstPrompt).toBeNull();
    expect(cannot.calls).toEqual(['new']);
    expect(existsSync(join(home, '.claude'))).toBe(false);

    const noFiles = connection(true, 'ok');
    expect((await openResumableSession(noFiles, request('codex', archive), place(tempDir()), logger)).firstPrompt).toBeNull();
    expect(noFiles.calls).toEqual(['new']);

    const broken = connection(true, 'ok');
    expect((await openResumableSession(broken, request('claude-code', Buffer.from('not gzip').toString('base64')), place(tempDir()), logger)).firstPrompt).toBeNull();
    expect(broken.calls).toEqual(['new']);
  });
});

describe('archiving at a task\'s end', () => {
  it('sends nothing for an agent that offers no session/load, or keeps no session files; a failed send does not throw', async () => {
    const home = tempDir();
    const cwd = '/work/ws';
    mkdirSync(join(home, '.claude', 'projects', claudeProjectDir(cwd)), { recursive: true });
    writeFileSync(join(home, '.claude', 'projects', claudeProjectDir(cwd), `${SESSION}.jsonl`), '{}\n');
    const sent: unknown[] = [];
    const send = (body: SessionArchiveCallbackRequest) => {
      sent.push(body);
      return Promise.resolve();
    };
    const at = { agentSessionId: 'as_1', place: () => Promise.resolve({ home, cwd }), maxBytes: 1024 * 1024 };
    await archiveSessionFiles({ ...at, agentType: 'claude-code', session: session(SESSION, false) }, send, logger);
    await archiveSessionFiles({ ...at, agentType: 'codex', session: session(SESSION) }, send, logger);
    await archiveSessionFiles({ ...at, agentType: 'claude-code', session: session('../../escape') }, send, logger);
    expect(sent).toEqual([]);
    await expect(archiveSessionFiles({ ...at, agentType: 'claude-code', session: session(SESSION) }, () => Promise.reject(new Error('control plane down')), logger)).resolves.toBeUndefined();
  });
});
