/**
 * `flotilla diff <taskId>` (issue 16 item 1, review): the patch of a completed task's change, as
 * the control plane stored it when the task completed (`GET /api/projects/:id/tasks/:taskId/diff`)
 * — the same diff the web app's review shows. Coloured like `git diff` when stdout is a terminal
 * (and NO_COLOR is unset); a patch cut at DIFF_PATCH_MAX_BYTES ends with the files left out.
 */
import type { TaskDiff } from '@flotilla/contracts';
import { connectToServer, refusalsAsExitCode, type ServerOptions } from './server-connection.js';

/** ANSI SGR codes (set, reset) of the styles `git diff --color` uses. */
const STYLES = { bold: ['1', '22'], cyan: ['36', '39'], green: ['32', '39'], red: ['31', '39'] } as const;
type Style = keyof typeof STYLES;

const styled = (style: Style, text: string): string => `\u001b[${STYLES[style][0]}m${text}\u001b[${STYLES[style][1]}m`;

/** The style of one patch line, as `git diff --color` gives it; null for plain text. */
function lineStyle(line: string): Style | null {
  if (/^(diff --git |index |--- |\+\+\+ |(new|deleted) file mode |similarity index |rename (from|to) |old mode |new mode )/.test(line)) return 'bold';
  if (line.startsWith('@@')) return 'cyan';
  if (line.startsWith('+')) return 'green';
  if (line.startsWith('-')) return 'red';
  return null;
}

/**
 * The text `flotilla diff` prints: the patch (coloured when `color`), then, when it was cut, a
 * note naming the files left out.
 */
export function renderTaskDiff(diff: Pick<TaskDiff, 'patch' | 'truncated' | 'omittedFiles' | 'omittedFileCount'>, color: boolean): string {
  const lines = diff.patch.replace(/\n$/, '').split('\n');
  const body = color
    ? lines.map((line) => {
        const style = lineStyle(line);
        return style ? styled(style, line) : line;
      })
    : lines;
  const out = diff.patch.length > 0 ? body : [];
  if (diff.truncated) {
    const unnamed = diff.omittedFileCount - diff.omittedFiles.length;
    out.push(
      '',
      `The diff was cut at the size limit; ${diff.omittedFileCount} ${diff.omittedFileCount === 1 ? 'file is' : 'files are'} not shown:`,
      ...diff.omittedFiles.map((path) => `  ${path}`),
      ...(unnamed > 0 ? [`  … and ${unnamed} more`] : []),
    );
  }
  return `${out.join('\n')}\n`;
}

/** `flotilla diff <taskId>`: exit 0 with the patch; 1 (with the server's message) when the task has none. */
export async function diffCommand(taskId: string, options: ServerOptions): Promise<number> {
  return refusalsAsExitCode(async () => {
    const client = connectToServer(options);
    const task = await client.getTask(taskId);
    const diff = await client.getTaskDiff(task.projectId, task.id);
    process.stdout.write(renderTaskDiff(diff, process.stdout.isTTY === true && !process.env.NO_COLOR));
    return 0;
  });
}
