/** The agent's live stream in a workspace: its text, thoughts, tool calls and plan as they come. */
import { useLayoutEffect, useMemo, useRef } from 'react';
import type { StreamUpdate } from '../../lib/agent-stream';
import { foldUpdates } from './stream-blocks';

/** `emptyText`: what shows before the agent's first update (default: waiting for the agent). */
export function AgentStreamView({ updates, emptyText = 'Waiting for the agent…' }: { updates: StreamUpdate[]; emptyText?: string }) {
  const blocks = useMemo(() => foldUpdates(updates), [updates]);
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && el.scrollHeight - el.scrollTop - el.clientHeight < 120) el.scrollTop = el.scrollHeight;
  }, [blocks]);

  return (
    <div ref={ref} className="messages" role="log" aria-label="Agent stream" aria-live="polite" tabIndex={0}>
      {blocks.length === 0 && <p className="muted" data-testid="stream-empty">{emptyText}</p>}
      {blocks.map((block) => {
        if (block.kind === 'tool') {
          return (
            <div key={block.key} className="message tool">
              <div className="tool-line">
                <span className="tool-kind">{block.toolKind}</span>
                <span className="tool-title">{block.title}</span>
                <span className={`tool-status ${block.status}`}>{block.status.replace('_', ' ')}</span>
              </div>
            </div>
          );
        }
        if (block.kind === 'plan') {
          return (
            <div key={block.key} className="message plan">
              <div className="role">Plan</div>
              <ul>
                {block.entries.map((entry, i) => (
                  <li key={i}>
                    {entry.content} <span className="muted small">({entry.status.replace('_', ' ')})</span>
                  </li>
                ))}
              </ul>
            </div>
          );
        }
        return (
          <div key={block.key} className={`message ${block.kind === 'text' ? 'assistant' : 'thinking'}`}>
            <p className="plain">{block.text}</p>
          </div>
        );
      })}
    </div>
  );
}
