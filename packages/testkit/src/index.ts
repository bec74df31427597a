/**
 * @flotilla/testkit — test-only helpers: the scripted ACP agent (and the agent-command override
 * that makes node daemons run it), and the fake model APIs (Anthropic Messages, OpenAI Responses
 * and Chat Completions, Gemini). Imported only by tests
 * and benches.
 */
export { SCRIPTED_AGENT_BIN } from './scripted-agent/bin-path.js';
export { agentOverrideEnv, agentCommandVariable, SCRIPTED_AGENT_COMMAND, type TestAgents } from './scripted-agent/agent-override.js';
export { parsePromptLog, promptLogEnv, readPromptLog, type PromptLogEntry } from './scripted-agent/prompt-log.js';
export { parseInstructions, type Instruction } from './scripted-agent/instructions.js';
export {
  startFakeAnthropic,
  demoModel,
  CLAUDE_CODE_ACP_ENTRY,
  claudeCodeEnv,
  isMainConversationRequest,
  stripSystemReminders,
  userPromptOf,
} from './fake-anthropic/index.js';
export type {
  ClaudeCodeEnvOptions,
  FakeAnthropic,
  FakeAnthropicOptions,
  RecordedRequest,
  Script,
  ToolUseSpec,
  Turn,
} from './fake-anthropic/index.js';
export { startFakeOpenAI, FAKE_OPENAI_MODEL, fakeModelNodeEnv } from './fake-openai/index.js';
export { startFakeGemini } from './fake-gemini/index.js';
export type { FakeModelApi, FakeModelOptions, ModelRequest, ReportedUsage, ShellScript, ShellTurn } from './fake-openai/index.js';
export { spawnAcpAgent, type AgentProcess, type SpawnAcpAgentOptions } from './test-support/agent-process.js';
