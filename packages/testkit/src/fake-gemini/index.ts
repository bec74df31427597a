/** Fake Gemini API (generateContent, streamGenerateContent, countTokens) for running Gemini CLI offline. */
export { startFakeGemini } from './server.js';
export { fakeModelNodeEnv } from '../fake-model/agent-env.js';
export { sha256Hex } from '../fake-anthropic/http-util.js';
export type { FakeModelApi, FakeModelOptions, ModelRequest, ReportedUsage, ShellScript, ShellTurn } from '../fake-model/types.js';
