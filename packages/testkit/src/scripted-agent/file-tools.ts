import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { methods } from '@agentclientprotocol/sdk';
import { requestPermission } from './permission.js';
import { errorMessage, failToolCall, sayText, sendUpdate, textContent, type TurnContext } from './turn-context.js';

/** Reads a file from disk, or returns null when it does not exist. */
async function readFromDiskIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Writes through the client's `fs/write_text_file` when advertised, else straight to disk. */
async function writeText(turn: TurnContext, path: string, content: string): Promise<void> {
  if (turn.clientCapabilities.fs?.writeTextFile) {
    await turn.client.request(methods.client.fs.writeTextFile, { sessionId: turn.sessionId, path, content });
    return;
  }
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content, 'utf8');
}

/** Reads through the client's `fs/read_text_file` when advertised, else straight from disk. */
async function readText(turn: TurnContext, path: string): Promise<string> {
  if (turn.clientCapabilities.fs?.readTextFile) {
    const response = await turn.client.request(methods.client.fs.readTextFile, { sessionId: turn.sessionId, path });
    return response.content;
  }
  return readFile(path, 'utf8');
}

/**
 * Runs a `write` instruction: announces an edit tool call, asks permission, writes the file
 * (client fs when advertised, else disk) and reports the diff. A rejection or a write error
 * marks the tool call failed; the turn goes on.
 *
 * @param turn the running turn
 * @param relativePath file path relative to the session cwd
 * @param content the new file content
 */
export async function runWrite(turn: TurnContext, relativePath: string, content: string): Promise<void> {
  const path = resolve(turn.cwd, relativePath);
  const toolCallId = turn.nextToolCallId();
  const title = `Write ${relativePath}`;
  const locations = [{ path }];
  await sendUpdate(turn, {
    sessionUpdate: 'tool_call',
    toolCallId,
    title,
    kind: 'edit',
    status: 'pending',
    locations,
    rawInput: { path, content },
  });
  const decision = await requestPermission(turn, { toolCallId, title, kind: 'edit', status: 'pending', locations });
  if (decision !== 'allowed') {
    await failToolCall(turn, toolCallId, decision === 'rejected' ? 'Permission rejected' : 'Cancelled');
    return;
  }
  let oldText: string | null;
  try {
    oldText = await readFromDiskIfExists(path);
    await writeText(turn, path, content);
  } catch (error) {
    await failToolCall(turn, toolCallId, errorMessage(error));
    return;
  }
  await sendUpdate(turn, {
    sessionUpdate: 'tool_call_update',
    toolCallId,
    status: 'completed',
    content: [{ type: 'diff', path, oldText, newText: content }],
  });
}

/**
 * Runs a `read` instruction: announces a read tool call, reads the file (client fs when
 * advertised, else disk), completes the tool call with the content and says the content.
 * A read error marks the tool call failed; the turn goes on.
 *
 * @param turn the running turn
 * @param relativePath file path relative to the session cwd
 */
export async function runRead(turn: TurnContext, relativePath: string): Promise<void> {
  const path = resolve(turn.cwd, relativePath);
  const toolCallId = turn.nextToolCallId();
  await sendUpdate(turn, {
    sessionUpdate: 'tool_call',
    toolCallId,
    title: `Read ${relativePath}`,
    kind: 'read',
    status: 'pending',
    locations: [{ path }],
    rawInput: { path },
  });
  let content: string;
  try {
    content = await readText(turn, path);
  } catch (error) {
    await failToolCall(turn, toolCallId, errorMessage(error));
    return;
  }
  await sendUpdate(turn, {
    sessionUpdate: 'tool_call_update',
    toolCallId,
    status: 'completed',
    content: [textContent(content)],
  });
  await sayText(turn, content);
}
