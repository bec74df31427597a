/**
 * Entry point of the scripted agent process (`flotilla-scripted-agent`): serves the scripted
 * ACP agent (agent-app.ts; instruction language in instructions.ts) on stdin/stdout.
 *
 * stdout carries protocol messages only: console output is redirected to stderr first.
 * Env: SCRIPTED_AGENT_LOG — file to append every received prompt to, as JSON lines.
 */
import './stdout-guard.js';
import { Readable, Writable } from 'node:stream';
import { ndJsonStream } from '@agentclientprotocol/sdk';
import { createScriptedAgent } from './agent-app.js';

const app = createScriptedAgent({ promptLogPath: process.env.SCRIPTED_AGENT_LOG || undefined });
const stream = ndJsonStream(
  Writable.toWeb(process.stdout) as WritableStream<Uint8Array>,
  Readable.toWeb(process.stdin) as ReadableStream<Uint8Array>,
);
const connection = app.connect(stream);
await connection.closed;
process.exit(0);
