/**
 * Several agents on one task (issue 13 item 4) through the Worker: `agentTypes` validation
 * (400s), the parent with one variant per agent type (its own chat session, branch
 * `task/<parentId>-<agentType>`, run), the parent's status following its variants' moves to the
 * end (usage summed), cancel reaching every variant, and the refusals around variants (409s).
 * The variants' runs through a node are the capability test's (tests/capability/agents-several).
 */
import { taskVariantBranchName, type ModelUsage, type Task, type TaskStatus, type TaskVariant, type TaskWithEvents } from '@flotilla/contracts';
import { describe, expect, it } from 'vitest';
import { api, createProject, createTask, deps, expectJson, getTask, listMessages, taskRunner } from '../../test/helpers.js';
import type { TaskRunFields } from './repository.js';
import { transitionTask } from './status.js';

type ErrorJson = { error: { code: string; message: string } };

const usage = (inputTokens: number, outputTokens: number): ModelUsage => ({ requests: 1, inputTokens, outputTokens, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 });

/**
 * Create a task on `agentTypes` with `run: true`, and take the variants' runs out of the way:
 * each variant's TaskRunner ends its run (as a cancel does, without touching the task), so the
 * test moves the variants' statuses itself, as their runs and the daemon's callbacks would,
 * with no step timeout racing it. Answers the task and its variants, in order.
 */
async function startOnSeveral(agentTypes: string[]): Promise<{ parent: TaskWithEvents; variants: TaskVariant[] }> {
  const project = await createProject('several');
  const parent = await createTask(project.id, { description: 'Compare the agents.', agentTypes, run: true });
  const variants = parent.variants ?? [];
  expect(variants).toHaveLength(agentTypes.length);
  for (const variant of variants) await taskRunner(variant.taskId).cancelRun('the test moves this variant');
  return { parent, variants };
}

/** Move variant `taskId` through `statuses` as its run would, recording `fields` with the last move. */
async function moveVariant(taskId: string, statuses: TaskStatus[], fields: TaskRunFields = {}): Promise<void> {
  for (const [index, status] of statuses.entries()) {
    await transitionTask(deps(), taskId, status, { actor: 'test', fields: index === statuses.length - 1 ? fields : undefined });
  }
}

const statusOf = async (taskId: string) => (await getTask(taskId)).status;

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

  it('runs one variant per agent, each with its own chat session and branch; the parent follows them to completed with their usage summed', async () => {
    const { parent, variants } = await startOnSeveral(['claude-code', 'codex', 'gemini']);
    expect(parent).toMatchObject({ status: 'queued', executionStep: null });
    expect(variants.map((v) => [v.agentType, v.status])).toEqual([
      ['claude-code', 'queued'],
      ['codex', 'queued'],
      ['gemini', 'queued'],
    ]);
    expect(new Set(variants.map((v) => v.chatSessionId)).size).toBe(3);
    for (const variant of variants) {
      const [first] = await listMessages(parent.projectId, variant.chatSessionId!);
      expect(first).toMatchObject({ role: 'user', content: 'Compare the agents.' });
      // Its run creates its workspace on the variant's branch.
      expect((await taskRunner(variant.taskId).getState())?.task?.branch).toBe(taskVariantBranchName(parent.id, variant.agentType));
    }

    // Only the parent is listed; a variant is readable on its own and names its parent.
    const { tasks } = await expectJson<{ tasks: Task[] }>(await api(`/api/projects/${parent.projectId}/tasks`), 200);
    expect(tasks.map((t) => t.id)).toEqual([parent.id]);
    expect(tasks[0]!.variants).toHaveLength(3);
    expect(await getTask(variants[0]!.taskId)).toMatchObject({ parentTaskId: parent.id, agentType: 'claude-code', title: 'Compare the agents. · Claude Code' });

    const [claude, codex, gemini] = variants.map((v) => v.taskId) as [string, string, string];
    await moveVariant(claude, ['delegated']);
    expect(await statusOf(parent.id)).toBe('delegated');
    await moveVariant(codex, ['delegated', 'in_progress']);
    expect(await statusOf(parent.id)).toBe('in_progress');
    const output = (agent: string, usage: ModelUsage): TaskRunFields => ({
      output_branch: taskVariantBranchName(parent.id, agent as 'codex'),
      output_commit_sha: '0123456789abcdef0123456789abcdef01234567',
      output_summary: `${agent} did it.`,
      output_files_changed: JSON.stringify([`${agent}.md`]),
      usage: JSON.stringify(usage),
    });
    await moveVariant(claude, ['in_progress', 'completed'], output('claude-code', usage(100, 10)));
    await moveVariant(codex, ['failed'], { error: 'model refused', usage: JSON.stringify(usage(50, 5)) });
    expect(await statusOf(parent.id)).toBe('in_progress');
    await moveVariant(gemini, ['delegated', 'in_progress', 'completed'], output('gemini', usage(7, 3)));

    const done = await getTask(parent.id);
    expect(done.status).toBe('completed');
    expect(done.events.map((e) => e.toStatus)).toEqual(['ready', 'queued', 'delegated', 'in_progress', 'completed']);
    expect(done.usage).toMatchObject({ requests: 3, inputTokens: 157, outputTokens: 18 });
    expect(done.variants).toEqual([
      expect.objectContaining({ agentType: 'claude-code', status: 'completed', branch: `task/${parent.id}-claude-code`, summary: 'claude-code did it.', filesChanged: ['claude-code.md'], usage: usage(100, 10) }),
      expect.objectContaining({ agentType: 'codex', status: 'failed', error: 'model refused', branch: null, usage: usage(50, 5) }),
      expect.objectContaining({ agentType: 'gemini', status: 'completed', summary: 'gemini did it.', usage: usage(7, 3) }),
    ]);

    // A variant runs again only through its parent.
    const retried = await expectJson<ErrorJson>(await api(`/api/projects/${parent.projectId}/tasks/${codex}/retry`, { method: 'POST' }), 409);
    expect(retried.error.message).toContain(parent.id);
  });

  it('fails when every variant failed, naming each one’s error', async () => {
    const { parent, variants } = await startOnSeveral(['codex', 'gemini']);
    for (const variant of variants) await moveVariant(variant.taskId, ['failed'], { error: `${variant.agentType} broke` });
    const failed = await getTask(parent.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toBe('codex: codex broke; gemini: gemini broke');
  });

  it('cancelling the parent cancels every variant still going', async () => {
    const project = await createProject();
    const parent = await createTask(project.id, { description: 'Stop them all.', agentTypes: ['opencode', 'qwen-code', 'cline'], run: true });
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
