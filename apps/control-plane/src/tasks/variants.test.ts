/**
 * Several agents on one task (issue 13 item 4) through the Worker: `agentTypes` validation
 * (400s), the parent with one variant per agent type (its own chat session, branch
 * `task/<parentId>-<agentType>`, run), the parent's status following its variants to the end
 * (usage summed), cancel reaching every variant, and the refusals around variants (409s).
 */
import { taskVariantBranchName, type ModelUsage, type Task, type TaskWithEvents } from '@flotilla/contracts';
import { describe, expect, it } from 'vitest';
import { api, createProject, createTask, eventually, expectJson, getTask, listMessages, standIn } from '../../test/helpers.js';
import { agentSessionCalls, completed, daemonCalls, reportNodeReady, reportWorkspaceReady, taskCallback, waitForStatus, waitForStep, type Run } from '../../test/task-run.js';

type ErrorJson = { error: { code: string; message: string } };

const usage = (inputTokens: number, outputTokens: number): ModelUsage => ({ requests: 1, inputTokens, outputTokens, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 });

/**
 * Create a task on `agentTypes` with `run: true`; returns it once every variant has its node. Each
 * test asks for its own VM size, so no variant claims a node another test left warm.
 */
async function startOnSeveral(agentTypes: string[], vmSize: 'small' | 'medium' | 'large'): Promise<{ parent: TaskWithEvents; runs: Run[] }> {
  const project = await createProject('several');
  const parent = await createTask(project.id, { description: 'Compare the agents.', agentTypes, vmSize, run: true });
  const runs = await eventually(async () => {
    const variants = (await getTask(parent.id)).variants ?? [];
    expect(variants).toHaveLength(agentTypes.length);
    return Promise.all(
      variants.map(async (variant) => {
        const task = await getTask(variant.taskId);
        if (!task.nodeId) throw new Error(`variant ${variant.taskId} has no node yet`);
        return { project, task, daemon: `/daemon/${task.id}`, nodeId: task.nodeId, nodeToken: '', workspaceId: '', workspaceToken: '', agentSessionId: '' };
      }),
    );
  });
  return { parent, runs };
}

/**
 * Take a variant's run to `running`; answers the branch its workspace was asked for. Each
 * callback is sent as soon as the call it answers is seen (not once the run waits for it), so
 * three runs driven at once stay within this suite's short step timeouts on a busy machine.
 */
async function driveVariant(run: Run): Promise<string> {
  const create = await eventually(async () => {
    const [call] = (await standIn.createNodeCalls(run.nodeId)).filter((c) => c.answer === '201');
    expect(call).toBeDefined();
    return call!;
  });
  run.nodeToken = (create.body as { callbackToken: string }).callbackToken;
  await reportNodeReady(run);
  const request = await eventually(async () => {
    const [call] = (await daemonCalls(run, 'POST', '/workspaces')).filter((c) => /^2\d\d$/.test(c.answer));
    expect(call).toBeDefined();
    return call!;
  });
  run.workspaceId = (request.body as { workspaceId: string }).workspaceId;
  run.workspaceToken = (request.body as { callbackToken: string }).callbackToken;
  await reportWorkspaceReady(run);
  await agentSessionCalls(run);
  await waitForStep(run, 'running');
  await waitForStatus(run, 'in_progress');
  return (request.body as { branch: string }).branch;
}

describe('a task on several agents', () => {
  it('refuses agentTypes that are too few, repeated, unknown, or given with agentType (400)', async () => {
    const project = await createProject();
    const post = (body: Record<string, unknown>) => api(`/api/projects/${project.id}/tasks`, { method: 'POST', body: { description: 'x', ...body } });
    for (const body of [{ agentTypes: ['codex'] }, { agentTypes: [] }, { agentTypes: ['codex', 'codex'] }, { agentTypes: ['codex', 'gpt'] }, { agentTypes: ['codex', 'gemini'], agentType: 'codex' }]) {
      const refused = await expectJson<ErrorJson>(await post(body), 400);
      expect(refused.error.message).toContain('agentType');
    }
    const { tasks } = await expectJson<{ tasks: Task[] }>(await api(`/api/projects/${project.id}/tasks`), 200);
    expect(tasks).toEqual([]);
  });

  it('runs one variant per agent, each on its own branch and chat session; the parent follows them to completed with their usage summed', async () => {
    const { parent, runs } = await startOnSeveral(['claude-code', 'codex', 'gemini'], 'small');
    expect(parent).toMatchObject({ status: 'queued', executionStep: null });
    const variants = (await getTask(parent.id)).variants!;
    expect(variants.map((v) => v.agentType)).toEqual(['claude-code', 'codex', 'gemini']);
    expect(new Set(variants.map((v) => v.chatSessionId)).size).toBe(3);
    for (const variant of variants) {
      const [first] = await listMessages(parent.projectId, variant.chatSessionId!);
      expect(first).toMatchObject({ role: 'user', content: 'Compare the agents.' });
    }

    // Only the parent is listed; a variant is readable on its own and names its parent.
    const { tasks } = await expectJson<{ tasks: Task[] }>(await api(`/api/projects/${parent.projectId}/tasks`), 200);
    expect(tasks.map((t) => t.id)).toEqual([parent.id]);
    expect(tasks[0]!.variants).toHaveLength(3);
    expect(await getTask(variants[0]!.taskId)).toMatchObject({ parentTaskId: parent.id, agentType: 'claude-code', title: 'Compare the agents. · Claude Code' });

    // Together: each step has its (short, in these tests) timeout, for every variant at once.
    const branches = await Promise.all(runs.map(driveVariant));
    expect(branches).toEqual(runs.map((run) => taskVariantBranchName(parent.id, run.task.agentType)));
    await eventually(async () => expect((await getTask(parent.id)).status).toBe('in_progress'));

    const [claude, codex, gemini] = runs as [Run, Run, Run];
    await expectJson(await taskCallback(claude, { ...completed(claude), branch: branches[0], usage: usage(100, 10) }), 200);
    await expectJson(await taskCallback(codex, { status: 'failed', error: 'model refused', usage: usage(50, 5) }), 200);
    expect((await getTask(parent.id)).status).toBe('in_progress');
    await expectJson(await taskCallback(gemini, { ...completed(gemini), branch: branches[2], summary: 'Gemini did it.', usage: usage(7, 3) }), 200);

    const done = await eventually(async () => {
      const task = await getTask(parent.id);
      expect(task.status).toBe('completed');
      return task;
    });
    expect(done.events.map((e) => e.toStatus)).toEqual(['ready', 'queued', 'delegated', 'in_progress', 'completed']);
    expect(done.usage).toMatchObject({ requests: 3, inputTokens: 157, outputTokens: 18 });
    expect(done.variants).toEqual([
      expect.objectContaining({ agentType: 'claude-code', status: 'completed', branch: branches[0], summary: 'Did the thing.', filesChanged: ['src/thing.ts'], usage: usage(100, 10) }),
      expect.objectContaining({ agentType: 'codex', status: 'failed', error: 'model refused', branch: null, usage: usage(50, 5) }),
      expect.objectContaining({ agentType: 'gemini', status: 'completed', summary: 'Gemini did it.', usage: usage(7, 3) }),
    ]);

    // A variant runs again only through its parent.
    const retried = await expectJson<ErrorJson>(await api(`/api/projects/${parent.projectId}/tasks/${codex.task.id}/retry`, { method: 'POST' }), 409);
    expect(retried.error.message).toContain(parent.id);
  });

  it('fails when every variant failed, naming each one’s error', async () => {
    const { parent, runs } = await startOnSeveral(['codex', 'gemini'], 'medium');
    await Promise.all(runs.map(driveVariant));
    for (const run of runs) await expectJson(await taskCallback(run, { status: 'failed', error: `${run.task.agentType} broke` }), 200);
    const failed = await eventually(async () => {
      const task = await getTask(parent.id);
      expect(task.status).toBe('failed');
      return task;
    });
    expect(failed.error).toBe('codex: codex broke; gemini: gemini broke');
  });

  it('cancelling the parent cancels every variant still going', async () => {
    const { parent } = await startOnSeveral(['opencode', 'qwen-code', 'cline'], 'large');
    const cancelled = await expectJson<Task>(await api(`/api/projects/${parent.projectId}/tasks/${parent.id}/cancel`, { method: 'POST' }), 200);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.variants?.map((v) => v.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect((await getTask(parent.id)).status).toBe('cancelled');
  });

  it('a draft on several agents gets its variants when it runs; its agent type cannot be edited', async () => {
    const project = await createProject();
    const draft = await createTask(project.id, { description: 'Later.', agentTypes: ['codex', 'cline'] });
    expect(draft).toMatchObject({ status: 'draft', agentType: 'codex', variants: [] });
    const edit = await api(`/api/projects/${project.id}/tasks/${draft.id}`, { method: 'PATCH', body: { agentType: 'gemini' } });
    await expectJson(edit, 409);
    await expectJson(await api(`/api/projects/${project.id}/tasks/${draft.id}`, { method: 'PATCH', body: { description: 'Now.' } }), 200);
    const queued = await expectJson<Task>(await api(`/api/projects/${project.id}/tasks/${draft.id}/run`, { method: 'POST' }), 202);
    expect(queued.variants?.map((v) => [v.agentType, v.status])).toEqual([
      ['codex', 'queued'],
      ['cline', 'queued'],
    ]);
    const variant = await getTask(queued.variants![0]!.taskId);
    expect(variant.description).toBe('Now.');
    await expectJson(await api(`/api/projects/${project.id}/tasks/${variant.id}/run`, { method: 'POST' }), 409);
    await expectJson(await api(`/api/projects/${project.id}/tasks/${draft.id}/cancel`, { method: 'POST' }), 200);
  });
});
