/**
 * Child process of the outbox's crash-recovery test: starts an outbox on the given SQLite
 * file, enqueues messages, prints their ids as one JSON line, and then idles until it is killed.
 *
 * Usage: node --import tsx crash-child.ts <dbPath> <controlPlaneUrl> <count>
 */
import Database from 'better-sqlite3';
import { MessageOutbox } from '../../src/outbox/outbox.js';
import { createHttpMessageSender } from '../../src/outbox/sender.js';
import { createRecordingLogger, makeMessage, testConfig } from './helpers.js';

const [dbPath, controlPlaneUrl, count] = process.argv.slice(2);
if (!dbPath || !controlPlaneUrl || !count) throw new Error('usage: crash-child <dbPath> <url> <count>');

const outbox = new MessageOutbox({
  db: new Database(dbPath),
  config: testConfig(),
  send: createHttpMessageSender({ controlPlaneUrl, tokenFor: () => 'tok' }).send,
  logger: createRecordingLogger(),
});
outbox.start();
const ids: string[] = [];
for (let i = 0; i < Number(count); i += 1) {
  const message = makeMessage(`before crash ${i}`);
  outbox.enqueue('w1', message);
  ids.push(message.messageId);
}
process.stdout.write(`${JSON.stringify(ids)}\n`);
setInterval(() => undefined, 60_000);
