import { describe, expect, it } from 'vitest';
import { createLogger, type LogLevel } from './logger.js';

function capture() {
  const lines: Array<{ level: LogLevel; entry: Record<string, unknown> }> = [];
  return { lines, sink: (level: LogLevel, line: string) => lines.push({ level, entry: JSON.parse(line) as Record<string, unknown> }) };
}

describe('createLogger', () => {
  it('writes one JSON object a line with component, level and fields; children add fields and may rename the component', () => {
    const { lines, sink } = capture();
    const log = createLogger('outbox', { sink, fields: { nodeId: 'nod_1' } });
    log.info('sent', { count: 3 });
    log.child({ component: 'sender', workspaceId: 'ws_1' }).warn('slow');
    expect(lines.map((l) => l.entry)).toEqual([
      expect.objectContaining({ level: 'info', component: 'outbox', msg: 'sent', nodeId: 'nod_1', count: 3 }),
      expect.objectContaining({ level: 'warn', component: 'sender', msg: 'slow', nodeId: 'nod_1', workspaceId: 'ws_1' }),
    ]);
  });

  it('drops lines below its level', () => {
    const { lines, sink } = capture();
    const log = createLogger('x', { sink, level: 'warn' });
    log.debug('a');
    log.info('b');
    log.error('c');
    expect(lines.map((l) => l.entry.msg)).toEqual(['c']);
  });

  it('redacts fields whose names say they hold a secret', () => {
    const { lines, sink } = capture();
    createLogger('x', { sink }).info('saved', { apiKey: 'sk-123', callbackToken: 'eyJ', authorization: 'Bearer x', masked: '••••1234', tokensIn: 10 });
    expect(lines[0]?.entry).toMatchObject({ apiKey: '[redacted]', callbackToken: '[redacted]', authorization: '[redacted]', masked: '••••1234', tokensIn: 10 });
  });
});
