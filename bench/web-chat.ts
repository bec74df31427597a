/**
 * Benchmark (issue 5): the web app on a big project — SESSIONS chat sessions holding
 * SESSIONS × MESSAGES_PER_SESSION messages (100 × 100 = 10,000 by default), made by real task
 * runs of the scripted agent through the whole stack. Measured in Debian's Chromium:
 *
 * - navigation: `page.goto(/projects/:id)` until the newest session's last message is visible,
 *   against its baseline, the two API calls the view needs (sessions list + the session's
 *   messages) timed from Node;
 * - switch: one click chat → board until the board's cards are visible, and board → chat until
 *   the messages are visible again: the first switch after the load, then later ones (both
 *   views stay mounted once shown, so a later switch fetches nothing).
 *
 * Run: `npm run bench:web` (RUNS=5, SESSIONS=100, MESSAGES_PER_SESSION=100, CONCURRENCY=4).
 */
import { bootTestStack, createGitRepo, waitForTask, type TestStack } from '@flotilla/testkit/stack';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../tests/browser/browser.js';

const RUNS = Number(process.env.RUNS ?? '5');
const SESSIONS = Number(process.env.SESSIONS ?? '100');
const MESSAGES_PER_SESSION = Number(process.env.MESSAGES_PER_SESSION ?? '100');
const CONCURRENCY = Number(process.env.CONCURRENCY ?? '4');

/** A prompt whose run leaves `count` messages: the description, then alternating say / think. */
function chattyPrompt(session: number, count: number): string {
  const lines: string[] = [];
  for (let i = 1; i < count; i += 1) lines.push(i % 2 === 1 ? `say: session ${session} message ${i}` : `think: session ${session} thought ${i}`);
  return lines.join('\n');
}

async function seed(stack: TestStack): Promise<{ projectId: string; lastText: string; messageCount: number }> {
  const project = await stack.client.createProject({ name: 'bench-web', repoUrl: createGitRepo({ 'README.md': '# bench\n' }) });
  let next = 0;
  const t0 = Date.now();
  const worker = async () => {
    while (next < SESSIONS) {
      const index = next;
      next += 1;
      const task = await stack.client.createTask(project.id, { description: chattyPrompt(index, MESSAGES_PER_SESSION), title: `Bench session ${index}`, run: true });
      const done = await waitForTask(stack.client, task.id, 300_000);
      if (done.status !== 'completed') throw new Error(`seed task ${index} ${done.status}: ${done.error}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const sessions = await stack.client.listSessions(project.id);
  const messageCount = sessions.reduce((sum, s) => sum + s.messageCount, 0);
  const newest = sessions[0];
  if (!newest) throw new Error('no session was made');
  const last = (await stack.client.allMessages(project.id, newest.id)).at(-1);
  console.log(`seeded ${sessions.length} sessions, ${messageCount} messages in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return { projectId: project.id, lastText: last?.content ?? '', messageCount };
}

async function apiBaseline(stack: TestStack, projectId: string): Promise<number> {
  const t0 = performance.now();
  const [newest] = await stack.client.listSessions(projectId);
  await stack.client.allMessages(projectId, newest?.id ?? '');
  return performance.now() - t0;
}

async function navigation(page: Page, url: string, lastText: string): Promise<number> {
  await page.goto('about:blank');
  const t0 = performance.now();
  await page.goto(url);
  await page.getByRole('log', { name: 'Messages' }).locator('article.message', { hasText: lastText }).last().waitFor({ timeout: 60_000 });
  return performance.now() - t0;
}

/**
 * Click a view's tab and time, in the page, until `selector` is visible. The page code is a
 * string: tsx would wrap named functions in a helper the page does not have.
 */
function switchTo(page: Page, tab: string, selector: string): Promise<number> {
  return page.evaluate(`new Promise((resolve) => {
    const link = [...document.querySelectorAll('nav[aria-label="Project views"] a')].find((a) => a.textContent === ${JSON.stringify(tab)});
    const t0 = performance.now();
    link.click();
    const check = () => {
      const el = document.querySelector(${JSON.stringify(selector)});
      if (el && el.offsetParent !== null) resolve(performance.now() - t0);
      else requestAnimationFrame(check);
    };
    check();
  })`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

const ms = (v: number) => `${v.toFixed(0)} ms`;

async function main() {
  const stack = await bootTestStack();
  const browser = await launchBrowser();
  try {
    const { projectId, lastText, messageCount } = await seed(stack);
    const page = await browser.newPage();
    const url = `${stack.url}/projects/${projectId}`;
    await navigation(page, url, lastText); // warm-up: caches, JIT
    const nav: number[] = [];
    const api: number[] = [];
    const firstToBoard: number[] = [];
    const firstToChat: number[] = [];
    const toBoard: number[] = [];
    const toChat: number[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      api.push(await apiBaseline(stack, projectId));
      nav.push(await navigation(page, url, lastText));
      // The first switch after a load, then the later ones.
      firstToBoard.push(await switchTo(page, 'Board', '[data-column="completed"] article.kanban-card'));
      firstToChat.push(await switchTo(page, 'Chat', 'article.message'));
      for (let j = 0; j < 3; j += 1) {
        toBoard.push(await switchTo(page, 'Board', '[data-column="completed"] article.kanban-card'));
        toChat.push(await switchTo(page, 'Chat', 'article.message'));
      }
    }
    console.log(`project: ${SESSIONS} sessions, ${messageCount} messages (newest session ${MESSAGES_PER_SESSION}); ${RUNS} runs, medians`);
    console.log(`navigation → newest session's messages visible: ${ms(median(nav))} (min ${ms(Math.min(...nav))}, max ${ms(Math.max(...nav))})`);
    console.log(`baseline, the same two API calls from Node:      ${ms(median(api))}  ratio ${(median(nav) / median(api)).toFixed(1)}×`);
    console.log(`first switch after load, chat → board: ${ms(median(firstToBoard))}, board → chat: ${ms(median(firstToChat))}`);
    console.log(`switch chat → board: ${ms(median(toBoard))} (max ${ms(Math.max(...toBoard))})`);
    console.log(`switch board → chat: ${ms(median(toChat))} (max ${ms(Math.max(...toChat))})`);
  } finally {
    await browser.close();
    await stack.close();
  }
}

await main();
