/** Fake OpenAI API (Responses API and Chat Completions) for running Codex, OpenCode, Qwen Code and Cline offline. */
export { startFakeOpenAI, FAKE_OPENAI_MODEL } from './server.js';
export { fakeModelNodeEnv } from '../fake-model/agent-env.js';
export { sha256Hex } from '../fake-anthropic/http-util.js';
export type { FakeModelApi, FakeModelOptions, ModelRequest, ReportedUsage, ShellScript, ShellTurn } from '../fake-model/types.js';
