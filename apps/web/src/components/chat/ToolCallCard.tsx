/** A tool call: its name, target, status and, for edits, the diff. */
import type { ToolMetadata } from '@flotilla/contracts';

export function ToolCallCard({ content, tool }: { content: string; tool: ToolMetadata }) {
  const status = tool.status ?? 'pending';
  return (
    <div className="tool-card">
      <div className="tool-line">
        <span className="tool-kind">{tool.kind ?? 'tool'}</span>
        <span className="tool-title">{tool.title ?? content}</span>
        <span className={`tool-status ${status}`}>{status.replace('_', ' ')}</span>
      </div>
      {tool.target && <div className="muted small tool-target">{workspacePath(tool.target)}</div>}
      {tool.diff && <DiffView oldText={tool.diff.oldText ?? null} newText={tool.diff.newText} />}
    </div>
  );
}

/** A plain line diff: removed lines of the old text, then the added lines of the new one. */
function DiffView({ oldText, newText }: { oldText: string | null; newText: string }) {
  const oldLines = oldText === null ? [] : oldText.split('\n');
  const newLines = newText.split('\n');
  const kept = new Set(oldLines.filter((line) => newLines.includes(line)));
  return (
    <pre className="diff" aria-label="Diff">
      {oldLines
        .filter((line) => !kept.has(line))
        .map((line, i) => (
          <div key={`o${i}`} className="del">
            - {line}
          </div>
        ))}
      {newLines.map((line, i) => (
        <div key={`n${i}`} className={kept.has(line) ? 'ctx' : 'add'}>
          {kept.has(line) ? '  ' : '+ '}
          {line}
        </div>
      ))}
    </pre>
  );
}

/** A path inside a workspace, shown relative to the workspace (`…/workspaces/<id>/src/a.ts` → `src/a.ts`). */
function workspacePath(path: string): string {
  const match = /\/workspaces\/[^/]+\/(.+)$/.exec(path);
  return match?.[1] ?? path;
}
