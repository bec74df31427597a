/** How the CLI shows execution steps and chat messages in a terminal. */
import type { ChatMessage, ExecutionStep } from '@flotilla/contracts';

export const STEP_LABELS: Record<ExecutionStep, string> = {
  node_selection: 'Selecting a node',
  node_provisioning: 'Provisioning a node',
  node_agent_ready: 'Waiting for the node daemon',
  workspace_creation: 'Creating the workspace',
  workspace_ready: 'Cloning the repository onto the task branch',
  agent_session: 'Starting the agent and handing it the task',
  running: 'Agent working',
};

function indent(text: string, prefix = '  '): string {
  return text
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}

/** One message as terminal text. */
export function renderMessage(message: ChatMessage): string {
  switch (message.role) {
    case 'user':
      return `\n› you\n${indent(message.content)}`;
    case 'assistant':
      return `\n● agent\n${indent(message.content)}`;
    case 'thinking':
      return indent(`(thinking) ${message.content}`);
    case 'plan':
      return `\n☰ plan\n${indent(message.content)}`;
    case 'tool': {
      const meta = message.toolMetadata;
      const status = meta?.status ? ` [${meta.status}]` : '';
      const kind = meta?.kind ? `${meta.kind}: ` : '';
      const base = meta?.target?.split('/').at(-1);
      const target = meta?.target && base && !message.content.includes(base) ? ` (${meta.target})` : '';
      return `  ⚙ ${kind}${message.content}${target}${status}`;
    }
    case 'system':
      return `\n! ${message.content}`;
  }
}
