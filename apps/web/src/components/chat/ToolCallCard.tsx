/**
 * A tool call: its name, target, status (a failed call is marked), its exit status when the agent
 * reported one, for edits the diff, and its output (monospace; collapsed when long, but open by
 * itself when the call failed — status failed or a non-zero exit code).
 */
import type { ToolMetadata } from '@flotilla/contracts';

/** Output longer than this many lines starts collapsed. */
const COLLAPSE_OVER_LINES = 12;

export function ToolCallCard({ content, tool }: { content: string; tool: ToolMetadata }) {
  const status = tool.status ?? 'pending';
  const failed = status === 'failed' || (tool.exitCode !== undefined && tool.exitCode !== null && tool.exitCode !== 0);
  return (
    <div className={`tool-card${failed ? ' failed' : ''}`}>
      <div className="tool-line">
        <span className="tool-kind">{tool.kind ?? 'tool'}</span>
        <span className="tool-title">{tool.title ?? content}</span>
        <span className="tool-end">
          {tool.exitCode !== undefined && <span className={`tool-exit${failed ? ' failed' : ''}`}>{tool.exitCode === null ? 'killed' : `exit ${tool.exitCode}`}</span>}
          <span className={`tool-status ${status}`}>{status.replace('_', ' ')}</span>
        </span>
      </div>
      {tool.target && <div className="muted small tool-target">{workspacePath(tool.target)}</div>}
      {tool.diff && <DiffView oldText={tool.diff.oldText ?? null} newText={tool.diff.newText} />}
      {tool.output && <ToolOutput output={tool.output} truncated={tool.outputTruncated === true} failed={failed} />}
    </div>
  );
}

/** The output of a tool call; long output of a call that did not fail starts collapsed, showing how many lines it has. */
function ToolOutput({ output, truncated, failed }: { output: string; truncated: boolean; failed: boolean }) {
  const text = output.replace(/\n$/, '');
  const lines = text.split('\n').length;
  const long = lines > COLLAPSE_OVER_LINES;
  return (
    <details className="tool-output" open={failed || !long}>
      <summary className="muted small">
        Output · {lines} line{lines === 1 ? '' : 's'}
        {truncated ? ' (earlier output cut)' : ''}
      </summary>
      <pre aria-label="Tool output">{text}</pre>
    </details>
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
