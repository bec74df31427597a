/** Fake Anthropic Messages API for running Claude Code offline. */
export { startFakeAnthropic } from './server.js';
export { demoModel } from './demo-model.js';
export { sha256Hex } from './http-util.js';
export { CLAUDE_CODE_ACP_ENTRY, claudeCodeEnv, type ClaudeCodeEnvOptions } from './claude-code.js';
export { isMainConversationRequest, stripSystemReminders, userPromptOf } from './conversation.js';
export type { FakeAnthropic, FakeAnthropicOptions, RecordedRequest, Script, ToolUseSpec, Turn } from './types.js';
