/**
 * Browser: the project list and the chat view against the real stack (issue 5). A project is
 * created in the UI; "Run Now" starts a task whose execution steps and messages stream into the
 * chat until it completes with its branch shown; reloading mid-run loses nothing; the chat
 * works 375 px wide in dark mode; a dropped live connection resumes where it stopped (control plane
 * restarted mid-run); a running task's workspace shows the agent's live stream and a terminal (xterm.js ⇄ a PTY on
 * the node) that echoes a command, follows a resize and survives a reload.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './browser.js';
import { bootBrowserStack, type BrowserStack } from './stack.js';

let env: BrowserStack;
let page: Page;
let projectId = '';

beforeAll(async () => {
  // Brisk outbox retries: after the control-plane outage below, held messages go out at once.
  env = await bootBrowserStack({ MSG_RETRY_INITIAL_INTERVAL_MS: '200', MSG_RETRY_MAX_INTERVAL_MS: '1500', CALLBACK_RETRY_INITIAL_INTERVAL_MS: '200', CALLBACK_RETRY_MAX_INTERVAL_MS: '1500' });
  page = await env.browser.newPage();
});

afterAll(async () => {
  await env?.close();
});

const messages = () => page.getByRole('log', { name: 'Messages' });
const headerStatus = () => page.locator('.session-header .badge');
/** The agent's messages (not the description, which quotes every instruction). */
const agentSaid = (text: string, on: Page = page) => on.getByRole('log', { name: 'Messages' }).locator('article.message:not(.user)', { hasText: text });

/** Record, in the page, every execution step shown as current (the UI polls the task). */
async function recordSteps(): Promise<void> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { stepsSeen: string[] }).stepsSeen = seen;
    setInterval(() => {
      const step = document.querySelector('.steps [aria-current="step"]')?.getAttribute('data-step');
      if (step && seen.at(-1) !== step) seen.push(step);
    }, 20);
  });
}

describe('chat view', () => {
  it('creates a project from the project list', async () => {
    await page.goto(env.stack.url);
    await expect.poll(() => page.getByText('No projects yet').isVisible()).toBe(true);
    await page.getByLabel('Name').fill('browser-demo');
    await page.getByLabel('Repository (path or git URL)').fill(env.repo);
    await page.getByLabel('Default agent').selectOption('claude-code'); // the stack's nodes run the scripted agent for it
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.waitForURL(/\/projects\/prj_[^/]+\/chat$/);
    projectId = /projects\/(prj_[^/]+)/.exec(page.url())?.[1] ?? '';
    expect((await env.stack.client.listProjects()).map((p) => p.id)).toEqual([projectId]);
    await expect.poll(() => page.getByText('No session selected').isVisible()).toBe(true);

    await page.goto(env.stack.url);
    await page.getByRole('link', { name: /browser-demo/ }).waitFor();
    await screenshot(page, 'projects');
  });

  it('Run Now → execution steps and messages stream in → completed with the branch shown', async () => {
    await page.goto(`${env.stack.url}/projects/${projectId}`);
    const box = page.getByLabel('Describe a task');
    // Shift+Enter is a newline, not a submit.
    await box.fill('draft line');
    await box.press('Shift+Enter');
    expect(await box.inputValue()).toBe('draft line\n');
    await recordSteps();
    await box.fill('say: starting the work\nsleep: 1500\nwrite CHANGE.md: from the browser\nsay: all done');
    await box.press('Enter');

    await page.waitForURL(/\/chat\/ses_[^/]+$/);
    await agentSaid('starting the work').waitFor();
    await screenshot(page, 'chat-running');
    await expect.poll(() => headerStatus().getAttribute('data-status'), { timeout: 90_000 }).toBe('completed');
    await agentSaid('all done').waitFor();

    const [task] = await env.stack.client.listTasks(projectId);
    expect(task?.status).toBe('completed');
    expect(page.url()).toContain(`/chat/${task?.chatSessionId}`);
    expect(await page.getByTestId('task-branch').textContent()).toBe(`task/${task?.id}`);
    const tool = messages().locator('.tool-card', { hasText: 'Write CHANGE.md' });
    expect(await tool.locator('.tool-status').textContent()).toBe('completed');
    expect(await tool.locator('.diff').textContent()).toContain('from the browser');
    // The description is the first message, shown once.
    expect(await messages().locator('article.message.user').allTextContents()).toHaveLength(1);

    const steps = await page.evaluate(() => (window as unknown as { stepsSeen: string[] }).stepsSeen);
    expect(steps).toContain('running');
    expect(new Set(steps).size).toBeGreaterThanOrEqual(2);
    // The sidebar lists the session with its task title and status.
    const sidebar = page.getByRole('navigation', { name: 'Chat sessions' });
    expect(await sidebar.locator('[aria-current="true"]').textContent()).toContain('Done');
    await screenshot(page, 'chat-completed');
  });

  it('reloading mid-run loses nothing', async () => {
    const description = 'say: first part\nsleep: 2500\nthink: halfway there\nsay: second part\nsleep: 1000\nthink: nearly\nsay: last part';
    await page.getByLabel('Describe a task').fill(description);
    await page.getByRole('button', { name: 'Run Now' }).click();
    await agentSaid('first part').waitFor();
    const sessionUrl = page.url();
    await page.reload();
    expect(page.url()).toBe(sessionUrl);
    await agentSaid('last part').waitFor({ timeout: 60_000 });
    await expect.poll(() => headerStatus().getAttribute('data-status'), { timeout: 60_000 }).toBe('completed');

    const sessionId = sessionUrl.split('/').at(-1) ?? '';
    const stored = await env.stack.client.allMessages(projectId, sessionId);
    const shown = await messages().locator('article.message').evaluateAll((nodes) => nodes.map((n) => Number(n.getAttribute('data-seq'))));
    expect(shown).toEqual(stored.map((m) => m.seq));
    const texts = await messages().locator('article.message:not(.user)').allTextContents();
    for (const part of ['first part', 'halfway there', 'second part', 'nearly', 'last part']) {
      expect(texts.filter((t) => t.includes(part))).toHaveLength(1);
    }
  });

  it('works 375 px wide in dark mode', async () => {
    const mobile = await env.browser.context.newPage();
    await mobile.setViewportSize({ width: 375, height: 740 });
    await mobile.emulateMedia({ colorScheme: 'dark' });
    await mobile.goto(`${env.stack.url}/projects/${projectId}/chat`);
    await agentSaid('last part', mobile).waitFor();
    expect(await mobile.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot(mobile, 'chat-375-dark');
    await mobile.getByRole('button', { name: 'Sessions' }).click();
    await mobile.getByRole('navigation', { name: 'Chat sessions' }).getByText('say: starting the work').waitFor();
    await screenshot(mobile, 'chat-375-dark-sessions');
    await mobile.close();
  });

  it('a dropped live connection resumes from the last message shown: a control-plane restart mid-run loses nothing', async () => {
    await page.goto(`${env.stack.url}/projects/${projectId}/chat`);
    await page.getByLabel('Describe a task').fill('say: before the outage\nsleep: 9000\nthink: during the outage\nsay: after the outage');
    await page.getByRole('button', { name: 'Run Now' }).click();
    await agentSaid('before the outage').waitFor({ timeout: 60_000 });
    const socket = page.locator('.session-header .socket');
    await expect.poll(() => socket.textContent()).toBe('live');

    await env.stack.stopControlPlane();
    await expect.poll(() => socket.textContent(), { timeout: 20_000 }).toBe('reconnecting…');
    await env.stack.startControlPlane();
    await expect.poll(() => socket.textContent(), { timeout: 30_000 }).toBe('live');
    await agentSaid('after the outage').waitFor({ timeout: 60_000 });
    await expect.poll(() => headerStatus().getAttribute('data-status'), { timeout: 60_000 }).toBe('completed');

    const sessionId = page.url().split('/').at(-1) ?? '';
    const stored = await env.stack.client.allMessages(projectId, sessionId);
    const shown = await messages().locator('article.message').evaluateAll((nodes) => nodes.map((n) => Number(n.getAttribute('data-seq'))));
    expect(shown).toEqual(stored.map((m) => m.seq));
  });

  it('a follow-up from the chat; "Open workspace": the live agent stream from the node, a follow-up, and a terminal that echoes a command', async () => {
    const task = await env.stack.client.createTask(projectId, { description: 'say: hello from the workspace\nsleep: 60000', title: 'Long workspace task', run: true });
    await page.goto(`${env.stack.url}/projects/${projectId}/chat/${task.chatSessionId}`);
    // While the agent runs, the chat takes a follow-up; it is stored and shown in the chat.
    await page.getByLabel('Follow-up to the running agent').fill('say: follow-up from the chat', { timeout: 60_000 });
    await page.getByRole('button', { name: 'Send' }).click();
    await messages().locator('article.message.user', { hasText: 'follow-up from the chat' }).waitFor();
    await page.getByRole('link', { name: 'Open workspace' }).click({ timeout: 60_000 });
    await page.waitForURL(/\/workspaces\/ws_[^/]+$/);
    const stream = page.getByRole('log', { name: 'Agent stream' });
    await stream.locator('.message.assistant', { hasText: 'hello from the workspace' }).waitFor();
    await page.getByLabel('Follow-up to the agent').fill('say: follow-up received');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('status').getByText(/Prompt (queued behind the current turn|delivered)/).waitFor();

    // The terminal: a shell in the workspace on the node, through xterm.js.
    const terminal = page.getByRole('region', { name: 'Terminal' });
    const screen = () => terminal.locator('.xterm-rows').textContent().then((t) => t ?? '');
    await terminal.getByText('connected').waitFor();
    await page.getByTestId('terminal').click();
    await page.keyboard.type('echo hi-$((6*7)) in $(basename $(pwd))');
    await page.keyboard.press('Enter');
    const workspaceId = /workspaces\/(ws_[^/]+)/.exec(page.url())?.[1] ?? '';
    await expect.poll(screen, { timeout: 20_000 }).toContain(`hi-42 in ${workspaceId}`);
    await screenshot(page, 'workspace');

    // Resize reaches the PTY: the shell sees fewer columns once the window is narrower.
    const columns = async () => {
      await page.keyboard.type('echo C$(tput cols)C');
      await page.keyboard.press('Enter');
      let found: number[] = [];
      await expect.poll(async () => (found = [...(await screen()).matchAll(/C(\d+)C/g)].map((m) => Number(m[1]))).length).toBeGreaterThan(0);
      return found.at(-1) ?? 0;
    };
    const wide = await columns();
    await page.setViewportSize({ width: 640, height: 800 });
    let narrow = wide;
    await expect.poll(async () => (narrow = await columns()), { timeout: 20_000 }).toBeLessThan(wide);

    // Reconnect: after a reload the same shell is there, its recent output replayed.
    await page.reload();
    await terminal.getByText('connected').waitFor();
    await expect.poll(screen, { timeout: 20_000 }).toContain(`C${narrow}C`);
    await page.setViewportSize({ width: 1280, height: 800 });
    await env.stack.client.cancelTask(projectId, task.id);
  });
});
