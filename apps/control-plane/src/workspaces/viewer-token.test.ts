/**
 * `POST /api/projects/:projectId/workspaces/:workspaceId/viewer-token` inside workerd: a
 * `workspace-terminal` token for the workspace's node and the node's WebSocket URL, and the
 * refusals (unknown project or workspace, a workspace of another project, one not running yet).
 */
import { JWT_ISSUER, JwtAudience, ViewerTokenResponse } from '@flotilla/contracts';
import { env } from 'cloudflare:workers';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { setWorkspaceStatus } from './repository.js';
import { api, createProject, createTask, expectJson, seedWorkspace } from '../../test/helpers.js';

const tokenPath = (projectId: string, workspaceId: string) => `/api/projects/${projectId}/workspaces/${workspaceId}/viewer-token`;

describe('POST …/workspaces/:workspaceId/viewer-token', () => {
  it('answers the node URL of the direct channel and a workspace-terminal token for it', async () => {
    const project = await createProject('viewers');
    const task = await createTask(project.id, { description: 'Viewer target' });
    const ws = await seedWorkspace(project.id, task.chatSessionId!);
    await setWorkspaceStatus(env.DB, ws.workspaceId, 'running');

    const body = ViewerTokenResponse.parse(await expectJson(await api(tokenPath(project.id, ws.workspaceId), { method: 'POST' }), 200));
    expect(body.url).toBe(`ws://127.0.0.1:9/unused/workspaces/${ws.workspaceId}/agent/ws`);
    const jwks = (await (await api('/.well-known/jwks.json')).json()) as Parameters<typeof createLocalJWKSet>[0];
    const { payload } = await jwtVerify(body.token, createLocalJWKSet(jwks), { issuer: JWT_ISSUER, audience: JwtAudience.workspaceTerminal });
    expect(payload).toMatchObject({ sub: ws.nodeId, workspaceId: ws.workspaceId, usr: 'local' }); // the user it was made for
    expect(Date.parse(body.expiresAt) - Date.now()).toBeLessThanOrEqual(5 * 60 * 1000);
  });

  it('refuses unknown projects and workspaces (404), another project’s workspace (404), and one not running (409)', async () => {
    const project = await createProject('viewers-refused');
    const other = await createProject('viewers-other');
    const task = await createTask(project.id, { description: 'Not running yet' });
    const ws = await seedWorkspace(project.id, task.chatSessionId!);
    const error = (response: Response, status: number) => expectJson<{ error: { code: string } }>(response, status);

    expect((await error(await api(tokenPath('prj_unknown', ws.workspaceId), { method: 'POST' }), 404)).error.code).toBe('not_found');
    expect((await error(await api(tokenPath(project.id, 'ws_unknown'), { method: 'POST' }), 404)).error.code).toBe('not_found');
    expect((await error(await api(tokenPath(other.id, ws.workspaceId), { method: 'POST' }), 404)).error.code).toBe('not_found');
    expect((await error(await api(tokenPath(project.id, ws.workspaceId), { method: 'POST' }), 409)).error.code).toBe('conflict');
    await setWorkspaceStatus(env.DB, ws.workspaceId, 'destroyed');
    expect((await error(await api(tokenPath(project.id, ws.workspaceId), { method: 'POST' }), 404)).error.code).toBe('not_found');
  });
});
