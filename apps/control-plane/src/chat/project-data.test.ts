/**
 * ProjectData: persisting message batches (dedupe, sequence, counters, topic), pagination, and
 * the live WebSocket of project viewers reached through the Worker.
 */
import type { ProjectEvent } from '@flotilla/contracts';
import { describe, expect, it } from 'vitest';
import { allMessages, api, createProject, listMessages, message, messages, projectData } from '../../test/helpers.js';

const PROJECT = 'prj_project_data_test';
const data = () => projectData(PROJECT);
let sessions = 0;

async function newSession(topic: string | null = null) {
  sessions += 1;
  const id = `ses_test_${sessions}`;
  await data().createSession(PROJECT, { id, taskId: null, workspaceId: null, topic });
  return id;
}

async function session(id: string) {
  const found = await data().getSession(PROJECT, id);
  if (!found) throw new Error(`session ${id} not found`);
  return found;
}

describe('persistMessageBatch', () => {
  it('persists a new batch, then counts the same batch again as duplicates only', async () => {
    const sessionId = await newSession();
    const batch = messages(sessionId, 5);

    expect(await data().persistMessageBatch(batch)).toEqual({ ok: true, persisted: 5, duplicates: 0 });
    expect(await data().persistMessageBatch(batch)).toEqual({ ok: true, persisted: 0, duplicates: 5 });

    const stored = await allMessages(PROJECT, sessionId);
    expect(stored.map((m) => m.messageId)).toEqual(batch.map((m) => m.messageId));
    expect(stored.map((m) => m.content)).toEqual(batch.map((m) => m.content));
    expect((await session(sessionId)).messageCount).toBe(5);
  });

  it('counts a mixed batch right and grows message_count only by what was persisted', async () => {
    const sessionId = await newSession();
    const first = messages(sessionId, 3);
    await data().persistMessageBatch(first);
    const fresh = messages(sessionId, 4);
    // Old and new interleaved, plus one message repeated inside the batch itself.
    const mixed = [first[0]!, fresh[0]!, first[1]!, fresh[1]!, fresh[2]!, fresh[2]!, first[2]!, fresh[3]!];

    expect(await data().persistMessageBatch(mixed)).toEqual({ ok: true, persisted: 4, duplicates: 4 });
    const after = await session(sessionId);
    expect(after.messageCount).toBe(7);
    expect(after.lastSeq).toBe(7);
  });

  it('gives each session sequence numbers that only grow and have no gaps, across duplicates', async () => {
    const sessionId = await newSession();
    const a = messages(sessionId, 2);
    await data().persistMessageBatch(a);
    await data().persistMessageBatch([a[1]!, message(sessionId), a[0]!, message(sessionId)]);
    await data().persistMessageBatch([message(sessionId)]);

    const stored = await allMessages(PROJECT, sessionId);
    expect(stored.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('takes the topic from the first user message when the session has none, and keeps it', async () => {
    const sessionId = await newSession(null);
    await data().persistMessageBatch([message(sessionId, { role: 'assistant', content: 'hello, I am the agent' })]);
    expect((await session(sessionId)).topic).toBeNull();

    const long = `Fix the login bug ${'x'.repeat(300)}`;
    await data().persistMessageBatch([message(sessionId, { role: 'user', content: long }), message(sessionId, { role: 'user', content: 'second' })]);
    expect((await session(sessionId)).topic).toBe(long.slice(0, 120));

    const titled = await newSession('Given topic');
    await data().persistMessageBatch([message(titled, { role: 'user', content: 'not the topic' })]);
    expect((await session(titled)).topic).toBe('Given topic');
  });

  it('refuses a batch naming an unknown session and stores nothing of it', async () => {
    const sessionId = await newSession();
    const before = await session(sessionId);
    const batch = [message(sessionId), message('ses_does_not_exist'), message(sessionId)];

    expect(await data().persistMessageBatch(batch)).toEqual({ ok: false, error: 'session_not_found', sessionId: 'ses_does_not_exist' });
    expect(await allMessages(PROJECT, sessionId)).toEqual([]);
    expect(await session(sessionId)).toEqual(before);
    // Nothing was half-stored: the same messages go in cleanly afterwards.
    expect(await data().persistMessageBatch([batch[0]!, batch[2]!])).toEqual({ ok: true, persisted: 2, duplicates: 0 });
  });

  it('keeps two sessions of one batch apart', async () => {
    const s1 = await newSession();
    const s2 = await newSession();
    const batch = [message(s1, { content: 'a1' }), message(s2, { content: 'b1' }), message(s1, { content: 'a2' }), message(s2, { content: 'b2' }), message(s2, { content: 'b3' })];

    expect(await data().persistMessageBatch(batch)).toEqual({ ok: true, persisted: 5, duplicates: 0 });
    const one = await allMessages(PROJECT, s1);
    const two = await allMessages(PROJECT, s2);
    expect(one.map((m) => [m.seq, m.content, m.sessionId])).toEqual([[1, 'a1', s1], [2, 'a2', s1]]);
    expect(two.map((m) => [m.seq, m.content, m.sessionId])).toEqual([[1, 'b1', s2], [2, 'b2', s2], [3, 'b3', s2]]);
    expect((await session(s1)).messageCount).toBe(2);
    expect((await session(s2)).messageCount).toBe(3);
  });
});

describe('listMessages', () => {
  it('pages through a session with after/limit, stably while new messages arrive', async () => {
    const sessionId = await newSession();
    const batch = messages(sessionId, 23);
    await data().persistMessageBatch(batch);

    const pages: string[][] = [];
    let after = 0;
    for (;;) {
      const page = await listMessages(PROJECT, sessionId, after, 5);
      if (page.length === 0) break;
      pages.push(page.map((m) => m.messageId));
      after = page.at(-1)!.seq;
      // New messages arriving mid-way land after everything already paged.
      if (pages.length === 2) await data().persistMessageBatch(messages(sessionId, 2));
    }
    expect(pages.map((p) => p.length)).toEqual([5, 5, 5, 5, 5]);
    expect(pages.flat().slice(0, 23)).toEqual(batch.map((m) => m.messageId));
    expect(new Set(pages.flat()).size).toBe(25);

    // The same cursor gives the same page again.
    const again = await listMessages(PROJECT, sessionId, 10, 5);
    expect(again.map((m) => m.messageId)).toEqual(pages[2]);
    expect(await listMessages(PROJECT, sessionId, 25, 5)).toEqual([]);
  });
});

describe('WebSocket of project viewers', () => {
  /** Open `…/sessions/ws` through the Worker and collect the events it receives. */
  async function connect(projectId: string, query: string) {
    const response = await api(`/api/projects/${projectId}/sessions/ws?${query}`, { headers: { Upgrade: 'websocket' } });
    expect(response.status).toBe(101);
    const ws = response.webSocket;
    if (!ws) throw new Error('no WebSocket in the answer');
    const events: ProjectEvent[] = [];
    const waiters: Array<() => void> = [];
    ws.addEventListener('message', (event) => {
      events.push(JSON.parse(String(event.data)) as ProjectEvent);
      for (const wake of waiters.splice(0)) wake();
    });
    ws.accept();
    const next = async (count: number): Promise<ProjectEvent[]> => {
      const deadline = Date.now() + 3_000;
      while (events.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} events, got ${JSON.stringify(events)}`);
        await Promise.race([new Promise<void>((resolve) => waiters.push(resolve)), new Promise((resolve) => setTimeout(resolve, 50))]);
      }
      return events.slice(0, count);
    };
    return { ws, events, next };
  }

  it('sends the backlog after `after`, then new messages live', async () => {
    const project = await createProject('ws project');
    const sessionId = 'ses_ws_1';
    const store = projectData(project.id);
    await store.createSession(project.id, { id: sessionId, taskId: null, workspaceId: null, topic: null });
    const first = messages(sessionId, 4);
    await store.persistMessageBatch(first);

    const viewer = await connect(project.id, `sessionId=${sessionId}&after=2`);
    const [backlog] = await viewer.next(1);
    expect(backlog).toMatchObject({ type: 'messages.new', sessionId });
    const backlogMessages = backlog?.type === 'messages.new' ? backlog.messages : [];
    expect(backlogMessages.map((m) => [m.seq, m.messageId])).toEqual([[3, first[2]!.messageId], [4, first[3]!.messageId]]);

    const live = [message(sessionId, { content: 'live 1' }), message(sessionId, { content: 'live 2' })];
    await store.persistMessageBatch([...live, first[0]!]);
    const [, update] = await viewer.next(2);
    expect(update).toMatchObject({ type: 'messages.new', sessionId });
    const liveMessages = update?.type === 'messages.new' ? update.messages : [];
    expect(liveMessages.map((m) => [m.seq, m.content])).toEqual([[5, 'live 1'], [6, 'live 2']]);

    // A batch of duplicates only broadcasts nothing.
    await store.persistMessageBatch(live);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(viewer.events).toHaveLength(2);
    viewer.ws.close(1000, 'done');
  });

  it('sends a session viewer only its session’s messages, and a project viewer every session’s', async () => {
    const project = await createProject('ws separate');
    const store = projectData(project.id);
    for (const id of ['ses_ws_a', 'ses_ws_b']) await store.createSession(project.id, { id, taskId: null, workspaceId: null, topic: null });
    const viewerA = await connect(project.id, 'sessionId=ses_ws_a&after=0');
    const everything = await connect(project.id, '');
    await store.persistMessageBatch([message('ses_ws_b', { content: 'b 1' })]);
    await store.persistMessageBatch([message('ses_ws_a', { content: 'a 1' })]);
    const [onlyA] = await viewerA.next(1);
    expect(onlyA).toMatchObject({ type: 'messages.new', sessionId: 'ses_ws_a' });
    const both = await everything.next(2);
    expect(both.map((e) => (e.type === 'messages.new' ? e.sessionId : e.type))).toEqual(['ses_ws_b', 'ses_ws_a']);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(viewerA.events).toHaveLength(1);
    viewerA.ws.close(1000, 'done');
    everything.ws.close(1000, 'done');
  });

  it('replays a backlog longer than one page completely', async () => {
    const project = await createProject('ws long backlog');
    const store = projectData(project.id);
    await store.createSession(project.id, { id: 'ses_ws_long', taskId: null, workspaceId: null, topic: null });
    for (let i = 0; i < 12; i += 1) await store.persistMessageBatch(messages('ses_ws_long', 100));
    const viewer = await connect(project.id, 'sessionId=ses_ws_long&after=5');
    const pages = await viewer.next(2);
    const seqs = pages.flatMap((e) => (e.type === 'messages.new' ? e.messages.map((m) => m.seq) : []));
    expect(seqs).toEqual(Array.from({ length: 1195 }, (_, i) => i + 6));
    viewer.ws.close(1000, 'done');
  });

  it('shows a draft to viewers as it grows, replays it to a viewer that connects mid-answer, and stores only the final text', async () => {
    const project = await createProject('ws drafts');
    const store = projectData(project.id);
    const sessionId = 'ses_ws_drafts';
    await store.createSession(project.id, { id: sessionId, taskId: null, workspaceId: null, topic: null });
    const live = await connect(project.id, `sessionId=${sessionId}&after=0`);
    const answer = message(sessionId, { content: 'Hel' });
    expect(await store.persistMessageBatch([{ ...answer, draft: true }])).toEqual({ ok: true, persisted: 0, duplicates: 0 });
    await store.persistMessageBatch([{ ...answer, content: 'Hello, wor', draft: true }]);
    const drafts = await live.next(2);
    expect(drafts.map((e) => (e.type === 'message.draft' ? [e.draft.messageId, e.draft.content] : e.type))).toEqual([
      [answer.messageId, 'Hel'],
      [answer.messageId, 'Hello, wor'],
    ]);

    const late = await connect(project.id, `sessionId=${sessionId}&after=0`);
    const [replayed] = await late.next(1);
    expect(replayed).toMatchObject({ type: 'message.draft', draft: { messageId: answer.messageId, content: 'Hello, wor' } });

    await store.persistMessageBatch([{ ...answer, content: 'Hello, world!' }]);
    const [, , final] = await live.next(3);
    expect(final).toMatchObject({ type: 'messages.new', messages: [{ messageId: answer.messageId, content: 'Hello, world!', seq: 1 }] });
    // A draft arriving after its message is stored changes nothing and announces nothing: the
    // next event either viewer gets is the message that follows.
    await store.persistMessageBatch([{ ...answer, content: 'Hello', draft: true }]);
    const reloaded = await connect(project.id, `sessionId=${sessionId}&after=0`);
    const [backlog] = await reloaded.next(1);
    expect(backlog?.type === 'messages.new' ? backlog.messages.map((m) => m.content) : []).toEqual(['Hello, world!']);
    await store.persistMessageBatch([message(sessionId, { content: 'next' })]);
    const [, , , nextLive] = await live.next(4);
    const [, nextReloaded] = await reloaded.next(2);
    for (const event of [nextLive, nextReloaded]) expect(event).toMatchObject({ type: 'messages.new', messages: [{ content: 'next', seq: 2 }] });
    expect((await allMessages(project.id, sessionId)).map((m) => m.content)).toEqual(['Hello, world!', 'next']);
    for (const viewer of [live, late, reloaded]) viewer.ws.close(1000, 'done');
  });

  it('answers 404 for an unknown project', async () => {
    const response = await api('/api/projects/prj_nope/sessions/ws?sessionId=x', { headers: { Upgrade: 'websocket' } });
    expect(response.status).toBe(404);
  });
});
