/**
 * The scripted agent's instruction language.
 *
 * A prompt is read line by line. A line that matches one of the forms below is an instruction;
 * every other line is ignored. Leading and trailing whitespace of a line is ignored.
 *
 *   say: <text>                  agent_message_chunk with <text>
 *   think: <text>                agent_thought_chunk with <text>
 *   plan: <a> | <b> | <c>        plan update (priority medium); an entry is pending, or
 *                                completed when it starts with `[x] `, in progress with `[>] `
 *                                (see {@link planEntry}); each plan line sends the whole plan
 *   write <path>: <content>      tool call (kind edit) + permission request, then writes <content>
 *                                to <path> (relative to the session cwd); `\n`, `\t` and `\\` in
 *                                <content> are unescaped to newline, tab and backslash
 *   read <path>                  tool call (kind read), then says the file's content
 *   run: <shell command>         tool call (kind execute), runs `sh -c <command>` in the session cwd
 *   sleep: <ms>                  waits <ms> milliseconds (ends early when the session is cancelled)
 *   await: <path>                waits until a file exists at <path> (absolute, or relative to the
 *                                session cwd), so a test can hold the agent mid-turn until it has
 *                                seen what it waits for (ends early when the session is cancelled)
 *   chunks: <n> <text>           sends <text> as <n> separate agent_message_chunk updates
 *   fail: <message>              the prompt answers with a JSON-RPC error whose message is <message>
 *   exit: <code>                 the agent process exits at once with <code>
 *
 * A prompt without any instruction is answered with one agent_message_chunk
 * `Scripted agent received: <first line of the prompt>`.
 */

/** One parsed instruction. */
export type Instruction =
  | { kind: 'say'; text: string }
  | { kind: 'think'; text: string }
  | { kind: 'plan'; entries: string[] }
  | { kind: 'write'; path: string; content: string }
  | { kind: 'read'; path: string }
  | { kind: 'run'; command: string }
  | { kind: 'sleep'; ms: number }
  | { kind: 'await'; path: string }
  | { kind: 'chunks'; count: number; text: string }
  | { kind: 'fail'; message: string }
  | { kind: 'exit'; code: number };

type LineParser = (line: string) => Instruction | undefined;

/** Builds a parser for the `<keyword>: <rest>` form. */
function keyword(name: string, build: (rest: string) => Instruction | undefined): LineParser {
  const pattern = new RegExp(`^${name}:\\s?(.*)$`);
  return (line) => {
    const match = pattern.exec(line);
    return match ? build(match[1] ?? '') : undefined;
  };
}

/** Parses a non-negative integer, or returns undefined. */
function parseCount(text: string): number | undefined {
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

const PARSERS: LineParser[] = [
  keyword('say', (text) => ({ kind: 'say', text })),
  keyword('think', (text) => ({ kind: 'think', text })),
  keyword('plan', (rest) => ({
    kind: 'plan',
    entries: rest.split('|').map((entry) => entry.trim()).filter((entry) => entry.length > 0),
  })),
  keyword('run', (command) => (command.trim() ? { kind: 'run', command: command.trim() } : undefined)),
  keyword('sleep', (rest) => {
    const ms = parseCount(rest.trim());
    return ms === undefined ? undefined : { kind: 'sleep', ms };
  }),
  keyword('await', (rest) => (rest.trim() ? { kind: 'await', path: rest.trim() } : undefined)),
  keyword('chunks', (rest) => {
    const match = /^(\d+)\s(.*)$/.exec(rest.trim());
    return match ? { kind: 'chunks', count: Number(match[1]), text: match[2] ?? '' } : undefined;
  }),
  keyword('fail', (message) => ({ kind: 'fail', message })),
  keyword('exit', (rest) => {
    const code = /^-?\d+$/.test(rest.trim()) ? Number(rest.trim()) : undefined;
    return code === undefined ? undefined : { kind: 'exit', code };
  }),
  (line) => {
    const match = /^write\s+([^:]+?):\s?(.*)$/.exec(line);
    return match ? { kind: 'write', path: match[1] ?? '', content: unescapeContent(match[2] ?? '') } : undefined;
  },
  (line) => {
    const match = /^read\s+(\S.*)$/.exec(line);
    return match ? { kind: 'read', path: (match[1] ?? '').trim() } : undefined;
  },
];

/** Status of a plan entry as ACP names it (`PlanEntryStatus`). */
export type PlanEntryStatus = 'pending' | 'in_progress' | 'completed';

/**
 * One entry of a `plan:` instruction: `[x] text` is completed, `[>] text` in progress, any
 * other text pending (the marker is not part of the entry's content).
 */
export function planEntry(entry: string): { content: string; status: PlanEntryStatus } {
  const match = /^\[(x|X|>)\]\s+(.*)$/.exec(entry);
  if (!match) return { content: entry, status: 'pending' };
  return { content: match[2] ?? '', status: match[1] === '>' ? 'in_progress' : 'completed' };
}

/**
 * Turns the escapes `\n`, `\t` and `\\` of a `write` instruction's content into newline, tab and
 * backslash. Any other backslash is kept as it is.
 */
export function unescapeContent(content: string): string {
  return content.replace(/\\([nt\\])/g, (_all, char: string) =>
    char === 'n' ? '\n' : char === 't' ? '\t' : '\\',
  );
}

/** Parses one line; returns undefined when the line is not an instruction. */
export function parseInstructionLine(line: string): Instruction | undefined {
  const trimmed = line.trim();
  for (const parse of PARSERS) {
    const instruction = parse(trimmed);
    if (instruction) return instruction;
  }
  return undefined;
}

/**
 * Parses a whole prompt text into its instructions, in order.
 *
 * @param text the prompt's text (all text blocks joined with "\n")
 * @returns the instructions found; empty when the prompt holds none
 */
export function parseInstructions(text: string): Instruction[] {
  return text
    .split(/\r?\n/)
    .map(parseInstructionLine)
    .filter((instruction): instruction is Instruction => instruction !== undefined);
}
