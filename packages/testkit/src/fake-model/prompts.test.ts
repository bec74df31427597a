import { describe, expect, it } from 'vitest';
import { firstUserPrompt, isSideCallPrompt, stripAgentContext } from './prompts.js';

describe("the user's prompt inside agents' requests", () => {
  it('strips the context each agent wraps around it', () => {
    expect(stripAgentContext('<system-reminder>\nskills\n</system-reminder>\nfix it')).toBe('fix it'); // Qwen Code
    expect(stripAgentContext('<session_context>\nThis is the Gemini CLI.\n</session_context>\nfix it')).toBe('fix it'); // Gemini CLI
    expect(stripAgentContext('<task>\nfix it\n</task>\n<environment_details>\ncwd\n</environment_details>')).toBe('fix it');
    expect(firstUserPrompt(['<environment_context>\n<cwd>/w</cwd>\n</environment_context>', '# AGENTS.md instructions for /w\n\n<INSTRUCTIONS>\nbe nice\n</INSTRUCTIONS>', 'fix it'])).toBe('fix it'); // Codex
    expect(firstUserPrompt(['<system-reminder>x</system-reminder>'])).toBeUndefined();
  });

  it("recognises Qwen Code's background requests", () => {
    expect(isSideCallPrompt('[SUGGESTION MODE: Suggest what the user might naturally type next.]')).toBe(true);
    expect(isSideCallPrompt('Managed memory has TWO directories.')).toBe(true);
    expect(isSideCallPrompt('create hello.txt')).toBe(false);
  });
});
