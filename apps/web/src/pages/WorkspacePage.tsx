/**
 * A live workspace: the agent's stream straight from the node daemon, a follow-up input that
 * sends prompts down the same channel, the agent's permission requests to answer (policy `ask`),
 * and a terminal in the workspace. When the workspace is gone, says so and links back
 * to the chat, where the whole conversation is kept.
 */
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { AgentStreamView } from '../components/workspace/AgentStreamView';
import { PermissionRequestList } from '../components/workspace/PermissionRequestList';
import { TerminalView } from '../components/workspace/TerminalView';
import { useAgentStream } from '../lib/agent-stream';

export function WorkspacePage() {
  const { projectId = '', workspaceId = '' } = useParams();
  const stream = useAgentStream(projectId, workspaceId);
  const [text, setText] = useState('');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (text.trim() && stream.sendPrompt(text)) setText('');
  };

  return (
    <main className="project">
      <div className="project-bar">
        <h1 className="project-title">Workspace {workspaceId}</h1>
        <span className={`socket ${stream.state}`} aria-live="polite">
          {stream.state === 'live' ? 'live from the node' : stream.state === 'gone' ? 'workspace not running' : stream.state === 'connecting' ? 'connecting…' : 'reconnecting…'}
        </span>
        <Link to={`/projects/${projectId}/chat`}>Back to the chat</Link>
      </div>
      <div className="chat-main workspace-main">
        {stream.problem && (
          <p role="alert" className="error small workspace-problem">
            {stream.problem}
          </p>
        )}
        <AgentStreamView updates={stream.updates} />
        <PermissionRequestList permissions={stream.permissions} onAnswer={stream.answerPermission} disabled={stream.state !== 'live'} />
        <form className="follow-up" onSubmit={submit}>
          <label htmlFor="workspace-follow-up">Follow-up to the agent</label>
          <div className="row">
            <input id="workspace-follow-up" value={text} onChange={(e) => setText(e.target.value)} disabled={stream.state !== 'live'} placeholder="Tell the agent something…" />
            <button type="submit" disabled={stream.state !== 'live' || !text.trim()}>
              Send
            </button>
          </div>
          {stream.lastDelivery && (
            <p role="status" className="notice small">
              Prompt {stream.lastDelivery === 'queued' ? 'queued behind the current turn' : stream.lastDelivery}.
            </p>
          )}
        </form>
        {stream.state !== 'gone' && <TerminalView projectId={projectId} workspaceId={workspaceId} />}
      </div>
    </main>
  );
}
