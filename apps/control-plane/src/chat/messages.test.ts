/** Reading a chat session's messages through the Worker, page by page, and the refusals of bad queries. */
import type { ListMessagesResponse } from '@flotilla/contracts';
import { describe, expect, it } from 'vitest';
import { api, createProject, createTask, expectJson, message, messages, projectData } from '../../test/helpers.js';

describe('GET …/sessions/:sessionId/messages', () => {
  it('pages with after and limit, and refuses bad queries', async () => {
    const project = await createProject();
    const task = await createTask(project.id, { description: 'Page through me' });
    const sessionId = task.chatSessionId!;
    await projectData(project.id).persistMessageBatch([...messages(sessionId, 6), message(sessionId, { role: 'tool', content: 'ls', toolMetadata: { toolCallId: 't1', kind: 'execute', status: 'completed' } })]);
    const url = (query: string) => `/api/projects/${project.id}/sessions/${sessionId}/messages${query}`;

    const first = await expectJson<ListMessagesResponse>(await api(url('?limit=3')), 200);
    expect(first.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(first).toMatchObject({ nextAfter: 3, hasMore: true });
    expect(first.messages[0]).toMatchObject({ role: 'user', content: 'Page through me' });

    const second = await expectJson<ListMessagesResponse>(await api(url(`?after=${first.nextAfter}&limit=3`)), 200);
    expect(second.messages.map((m) => m.seq)).toEqual([4, 5, 6]);
    const last = await expectJson<ListMessagesResponse>(await api(url(`?after=${second.nextAfter}&limit=3`)), 200);
    expect(last.messages.map((m) => m.seq)).toEqual([7, 8]);
    expect(last).toMatchObject({ nextAfter: 8, hasMore: false });
    expect(last.messages[1]).toMatchObject({ role: 'tool', toolMetadata: { toolCallId: 't1', kind: 'execute' } });

    const beyond = await expectJson<ListMessagesResponse>(await api(url('?after=8')), 200);
    expect(beyond).toEqual({ messages: [], nextAfter: 8, hasMore: false, hasOlder: true });

    // Newest page first, then older pages before it (the web app's order).
    const newest = await expectJson<ListMessagesResponse>(await api(url(`?before=${Number.MAX_SAFE_INTEGER}&limit=3`)), 200);
    expect(newest.messages.map((m) => m.seq)).toEqual([6, 7, 8]);
    expect(newest).toMatchObject({ nextAfter: 8, hasMore: false, hasOlder: true });
    const older = await expectJson<ListMessagesResponse>(await api(url(`?before=6&limit=3`)), 200);
    expect(older.messages.map((m) => m.seq)).toEqual([3, 4, 5]);
    expect(older).toMatchObject({ nextAfter: 5, hasMore: true, hasOlder: true });
    const oldest = await expectJson<ListMessagesResponse>(await api(url(`?before=3&limit=3`)), 200);
    expect(oldest.messages.map((m) => m.seq)).toEqual([1, 2]);
    expect(oldest).toMatchObject({ hasMore: true, hasOlder: false });
    expect(first.hasOlder).toBe(false);
    expect(second.hasOlder).toBe(true);

    for (const bad of ['?before=0', '?before=3&after=1', '?before=x', '?limit=0', '?limit=1001', '?after=-1', '?after=abc']) {
      await expectJson(await api(url(bad)), 400);
    }
    await expectJson(await api(`/api/projects/${project.id}/sessions/ses_unknown/messages`), 404);
    await expectJson(await api(`/api/projects/prj_unknown/sessions/${sessionId}/messages`), 404);
  });
});
