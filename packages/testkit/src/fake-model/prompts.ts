/**
 * The user's prompt inside what each agent sends: agents wrap the typed text in context of their
 * own (environment details, reminders, instructions files). These functions strip that wrapping,
 * and recognise the prompts of agents' background side calls.
 */

/** Context blocks agents add, removed whole: `<tag>…</tag>`. */
const CONTEXT_BLOCKS = ['system-reminder', 'session_context', 'environment_context', 'environment_details', 'user_instructions'];

/** Codex's message with the project's instructions file (AGENTS.md), removed whole. */
const CODEX_INSTRUCTIONS = /# AGENTS\.md instructions for [^\n]*\n+<INSTRUCTIONS>[\s\S]*?<\/INSTRUCTIONS>/g;

/** Wrappers whose content is the user's text: `<tag>…</tag>` is replaced by its content. */
const PROMPT_WRAPPERS = ['task', 'user_query'];

/**
 * The user's own text in one user message: context blocks removed, prompt wrappers unwrapped,
 * trimmed.
 */
export function stripAgentContext(text: string): string {
  let stripped = text.replace(CODEX_INSTRUCTIONS, '');
  for (const tag of CONTEXT_BLOCKS) stripped = stripped.replace(new RegExp(`<${tag}>[\\s\\S]*?</${tag}>`, 'g'), '');
  for (const tag of PROMPT_WRAPPERS) stripped = stripped.replace(new RegExp(`<${tag}>\\s*([\\s\\S]*?)\\s*</${tag}>`, 'g'), '$1');
  return stripped.trim();
}

/**
 * The user's prompt among the texts of a request's user messages: the first one that is not only
 * agent-added context, stripped with {@link stripAgentContext}.
 *
 * @returns the prompt, or undefined when every user message is only context
 */
export function firstUserPrompt(userTexts: readonly string[]): string | undefined {
  for (const text of userTexts) {
    const prompt = stripAgentContext(text);
    if (prompt !== '') return prompt;
  }
  return undefined;
}

/**
 * Openings of the newest user text of agents' background requests that offer the main tools:
 * Qwen Code's (and Claude Code's) next-prompt suggestion, and Qwen Code's managed-memory
 * extraction, both sent after the turn has ended.
 */
const SIDE_CALL_OPENINGS: readonly string[] = ['[SUGGESTION MODE:', 'Managed memory has '];

/** Whether the newest user text of a request is a known background side-call prompt. */
export function isSideCallPrompt(latestUserText: string): boolean {
  const text = latestUserText.trimStart();
  return SIDE_CALL_OPENINGS.some((opening) => text.startsWith(opening));
}
