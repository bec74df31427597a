/**
 * Shared by the tests that run the real agents besides Claude Code (agents-real, agents-several):
 * a fake OpenAI API (Codex, OpenCode, Qwen Code, Cline) and a fake Gemini API (Gemini CLI), and
 * the node environment pointing every such agent at them with the node's keys.
 */
import { startFakeGemini } from '@flotilla/testkit/fake-gemini';
import { fakeModelNodeEnv, startFakeOpenAI, type FakeModelApi } from '@flotilla/testkit/fake-openai';

export const OPENAI_NODE_KEY = 'sk-openai-node-key-not-real';
export const GEMINI_NODE_KEY = 'gemini-node-key-not-real';

export interface AgentFakes {
  openai: FakeModelApi;
  gemini: FakeModelApi;
  /** For `bootTestStack({ nodeEnv })`: OPENAI_* and GEMINI_* pointing at the fakes. */
  nodeEnv: Record<string, string>;
  close(): Promise<void>;
}

/** Start both fakes (empty scripts: `reset` each before a task). */
export async function startAgentFakes(): Promise<AgentFakes> {
  const openai = await startFakeOpenAI();
  const gemini = await startFakeGemini();
  return {
    openai,
    gemini,
    nodeEnv: { ...fakeModelNodeEnv('codex', openai.url, OPENAI_NODE_KEY), ...fakeModelNodeEnv('gemini', gemini.url, GEMINI_NODE_KEY) },
    close: async () => {
      await Promise.all([openai.close(), gemini.close()]);
    },
  };
}
