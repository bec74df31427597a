/**
 * Workspaces created by hand (`POST/GET/DELETE /api/projects/:projectId/workspaces[/:id]`) inside
 * workerd: validation (404 unknown project or workspace, 400 bad body), the chat session with no
 * task, a prompt refused while the workspace is not running yet, a set-up that fails with a
 * readable reason (the stand-in node never calls back ready), and deletion.
 */
import { ChatSession, CreateManualWorkspaceResponse, ManualWorkspace } from '@flotilla/contracts';
import { describe, expect, it } from 'vitest';
import { api, createProject, eventually, expectJson } from '../../test/helpers.js';

type ErrorJson = { error: { code: string; message: string } };
const workspacesPath = (projectId: string) => `/api/projects/${projectId}/workspaces`;

describe('workspaces created by hand', () => {
  it('refuses an unknown project (404) and a bad body (400), and knows no unknown workspace (404)', async () => {
    const project = await createProject('manual-refusals');
    const error = (response: Response, status: number) => expectJson<ErrorJson>(response, status);

    expect((await error(await api(workspacesPath('prj_unknown'), { method: 'POST', body: {} }), 404)).error.code).toBe('not_found');
    const badAgent = await error(await api(workspacesPath(project.id), { method: 'POST', body: { agentType: 'nope' } }), 400);
    expect(badAgent.error).toMatchObject({ code: 'bad_request', message: expect.stringContaining('agentType') });
    expect((await error(await api(workspacesPath(project.id), { method: 'POST', body: { agentType: 'claude-code', extra: 1 } }), 400)).error.code).toBe('bad_request');
    expect((await error(await api(workspacesPath(project.id), { method: 'POST', body: '{not json' }), 400)).error.code).toBe('bad_request');
    expect((await error(await api(`${workspacesPath(project.id)}/ws_unknown`), 404)).error.code).toBe('not_found');
    expect((await error(await api(`${workspacesPath(project.id)}/ws_unknown`, { method: 'DELETE' }), 404)).error.code).toBe('not_found');
    expect((await error(await api(`${workspacesPath('prj_unknown')}/ws_unknown`), 404)).error.code).toBe('not_found');
  });

  it('creates a chat session with no task, refuses prompts until it runs, reports a failed set-up and deletes it', async () => {
    const project = await createProject('manual-lifecycle');
    const other = await createProject('manual-other');
    const created = CreateManualWorkspaceResponse.parse(await expectJson(await api(workspacesPath(project.id), { method: 'POST', body: { agentType: 'claude-code' } }), 202));
    expect(created.status).toBe('creating');
    expect(created.workspaceId).toMatch(/^ws_/);

    const session = await expectJson<ChatSession>(await api(`/api/projects/${project.id}/sessions/${created.chatSessionId}`), 200);
    expect(session).toMatchObject({ id: created.chatSessionId, taskId: null, workspaceId: created.workspaceId });
    const read = ManualWorkspace.parse(await expectJson(await api(`${workspacesPath(project.id)}/${created.workspaceId}`), 200));
    expect(read).toMatchObject({ chatSessionId: created.chatSessionId, agentType: 'claude-code', branch: `workspace/${created.workspaceId}` });
    expect((await expectJson<ErrorJson>(await api(`${workspacesPath(other.id)}/${created.workspaceId}`), 404)).error.code).toBe('not_found');

    // No node daemon calls back here: a prompt finds no running workspace, and nothing is stored.
    const refused = await expectJson<ErrorJson>(await api(`/api/projects/${project.id}/sessions/${created.chatSessionId}/prompt`, { method: 'POST', body: { text: 'hello?' } }), 409);
    expect(refused.error.message).toMatch(/cannot be started/);
    const page = await expectJson<{ messages: unknown[] }>(await api(`/api/projects/${project.id}/sessions/${created.chatSessionId}/messages`), 200);
    expect(page.messages).toEqual([]);

    // The node never became ready (STEP_NODE_AGENT_READY_TIMEOUT_MS is 800 ms in these tests).
    const failed = await eventually(async () => {
      const current = ManualWorkspace.parse(await expectJson(await api(`${workspacesPath(project.id)}/${created.workspaceId}`), 200));
      expect(current.status).toBe('error');
      return current;
    }, 5_000);
    expect(failed.error).toMatch(/node_agent_ready timed out/);
    expect(failed.nodeId).toMatch(/^nod_/);

    const deleted = ManualWorkspace.parse(await expectJson(await api(`${workspacesPath(project.id)}/${created.workspaceId}`, { method: 'DELETE' }), 200));
    expect(deleted.status).toBe('destroyed');
    const again = ManualWorkspace.parse(await expectJson(await api(`${workspacesPath(project.id)}/${created.workspaceId}`, { method: 'DELETE' }), 200));
    expect(again.status).toBe('destroyed');
    expect(await expectJson<ChatSession>(await api(`/api/projects/${project.id}/sessions/${created.chatSessionId}`), 200)).toMatchObject({ status: 'stopped' });
  });
});
