/**
 * The node daemon's agent registry: one {@link AgentDefinition} per agent type (contracts
 * `AgentType`), and what this node can run (`agentAvailability`, announced to the control plane).
 */
import type { AgentType } from '@flotilla/contracts';
import type { AgentDefinition } from './agent-definition.js';
import { claudeCode } from './claude-code.js';
import { cline } from './cline.js';
import { codex } from './codex.js';
import { gemini } from './gemini.js';
import { opencode } from './opencode.js';
import { qwenCode } from './qwen-code.js';

export const AGENT_DEFINITIONS: Record<AgentType, AgentDefinition> = {
  'claude-code': claudeCode,
  codex,
  gemini,
  opencode,
  'qwen-code': qwenCode,
  cline,
};

export type { AgentCommand, AgentDefinition, AgentLaunch, AgentLaunchContext } from './agent-definition.js';
export { writeHomeFiles } from './agent-definition.js';
