/** Tool output as each agent reports it, and its bound. */
import { describe, expect, it } from 'vitest';
import { boundOutput, readToolOutput, unfence } from './tool-output.js';

const text = (t: string) => [{ type: 'content' as const, content: { type: 'text' as const, text: t } }];

describe('readToolOutput', () => {
  it('reads Codex: aggregated output and exit_code of its ExecCommandEndEvent, over the fenced text', () => {
    expect(readToolOutput({ content: text('```sh\nhi\n```\n'), rawOutput: { stdout: 'hi\n', stderr: 'oops\n', aggregated_output: 'hi\noops\n', exit_code: 2 } })).toEqual({ text: 'hi\noops\n', exitCode: 2 });
    expect(readToolOutput({ content: text('```sh\npartial\n```\n') })).toEqual({ text: 'partial' });
  });

  it('reads OpenCode (output, metadata.exit; error), Cline (a string) and the scripted agent', () => {
    expect(readToolOutput({ rawOutput: { output: 'ok\n', metadata: { exit: 0, description: 'x' } } })).toEqual({ text: 'ok\n', exitCode: 0 });
    expect(readToolOutput({ rawOutput: { error: 'no such file', metadata: {} } })).toEqual({ text: 'no such file' });
    expect(readToolOutput({ rawOutput: 'plain result' })).toEqual({ text: 'plain result' });
    expect(readToolOutput({ rawOutput: { exitCode: null, output: 'killed' } })).toEqual({ text: 'killed', exitCode: null });
  });

  it('reads Claude Code (```console text, terminal_exit) and Gemini (text only); ignores terminal blocks', () => {
    expect(readToolOutput({ content: text('```console\n$ ls\na.txt\n```'), _meta: { terminal_exit: { exit_code: 1, signal: null } } })).toEqual({ text: '$ ls\na.txt', exitCode: 1 });
    expect(readToolOutput({ content: text('Command output') })).toEqual({ text: 'Command output' });
    expect(readToolOutput({ content: [{ type: 'terminal', terminalId: 't1' }] })).toEqual({});
    expect(readToolOutput({ rawOutput: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] })).toEqual({ text: 'a\nb' });
  });

  it('unfences only a text that is one fenced block', () => {
    expect(unfence('```\nx\n```')).toBe('x');
    expect(unfence('before\n```\nx\n```')).toBe('before\n```\nx\n```');
  });
});

describe('boundOutput', () => {
  it('keeps the last bytes, on a character boundary, and says it cut', () => {
    expect(boundOutput('short', 10)).toEqual({ output: 'short' });
    expect(boundOutput('0123456789abcdef', 6)).toEqual({ output: 'abcdef', outputTruncated: true });
    const cut = boundOutput('ééé', 5); // 6 bytes; the tail of 5 starts inside the first é
    expect(cut).toEqual({ output: 'éé', outputTruncated: true });
    expect(Buffer.byteLength(boundOutput('x'.repeat(200_000), 65_536).output)).toBe(65_536);
  });

  it('removes colour codes and control characters but keeps newlines, tabs and carriage returns', () => {
    expect(boundOutput('\u001b[31mred\u001b[0m\tx\r\ny\u0000\u0007', 100)).toEqual({ output: 'red\tx\r\ny' });
  });
});
