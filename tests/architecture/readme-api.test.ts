/**
 * The README's "public HTTP API" table and the route tables say the same thing (issue 11,
 * item 1): every route of `publicApi` appears in the table as `` `METHOD /path` `` (path
 * parameters named as in the route table), every `` `METHOD /…` `` of the table is a route of
 * `publicApi`, and the node daemon's rows (`` `METHOD {node}/…` ``) are exactly the routes of
 * `nodeDaemonApi` that browsers call (auth `viewerToken`: the workspace's direct channels).
 * A query written after the path (`?status=S`, `[?status=S]`) is not part of the path.
 */
import { nodeDaemonApi, publicApi, type RouteTable } from '@flotilla/contracts';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const README = join(dirname(fileURLToPath(import.meta.url)), '../../README.md');
const TABLE_INTRO = 'The public HTTP API';
const NODE_PREFIX = '{node}';

/** The rows of the first Markdown table after the paragraph that starts with {@link TABLE_INTRO}. */
function apiTableRows(markdown: string): string[] {
  const lines = markdown.split('\n');
  const intro = lines.findIndex((line) => line.startsWith(TABLE_INTRO));
  if (intro < 0) throw new Error(`README.md has no paragraph starting "${TABLE_INTRO}"`);
  const start = lines.findIndex((line, i) => i > intro && line.startsWith('|'));
  const rows: string[] = [];
  for (let i = start; i >= 0 && i < lines.length && lines[i]?.startsWith('|'); i += 1) rows.push(lines[i] ?? '');
  return rows.slice(2); // the header and its separator
}

/** Every `METHOD path` in the first cell of a row, its query dropped: `GET /api/tasks/:taskId`. */
function endpointsOf(row: string): string[] {
  const firstCell = row.split(/(?<!\\)\|/)[1] ?? '';
  return [...firstCell.matchAll(/`(GET|POST|PUT|PATCH|DELETE) ([^`\s]+)`/g)].map(([, method, target]) => `${method} ${target?.replace(/\[?\?.*$/, '')}`);
}

const endpoint = (route: RouteTable[string]) => `${route.method} ${route.path}`;

const inTable = apiTableRows(readFileSync(README, 'utf8')).flatMap(endpointsOf);
const publicInTable = inTable.filter((e) => !e.includes(` ${NODE_PREFIX}`));
const nodeInTable = inTable.filter((e) => e.includes(` ${NODE_PREFIX}`)).map((e) => e.replace(` ${NODE_PREFIX}`, ' '));

describe("the README's public HTTP API table", () => {
  it('is found, and lists endpoints', () => {
    expect(publicInTable.length).toBeGreaterThan(10);
    expect(nodeInTable.length).toBeGreaterThan(0);
  });

  it('lists every route of publicApi', () => {
    const missing = Object.values(publicApi).map(endpoint).filter((e) => !publicInTable.includes(e));
    expect(missing).toEqual([]);
  });

  it('lists only routes of publicApi', () => {
    const routes = new Set(Object.values(publicApi).map(endpoint));
    expect(publicInTable.filter((e) => !routes.has(e))).toEqual([]);
  });

  it("lists exactly the node daemon's routes that browsers call (nodeDaemonApi, auth viewerToken)", () => {
    const browserRoutes = Object.values(nodeDaemonApi).filter((route) => route.auth === 'viewerToken').map(endpoint);
    expect([...new Set(nodeInTable)].sort()).toEqual(browserRoutes.sort());
  });
});
