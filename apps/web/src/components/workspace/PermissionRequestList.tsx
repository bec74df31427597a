/**
 * The agent's permission requests (workspace permission policy `ask`; contracts agent-stream.ts):
 * each open one says what the tool call wants (title, kind, the files it touches) and offers one
 * button per option; answered ones show their outcome. Buttons are ordinary, focusable buttons,
 * so a request can be answered from the keyboard.
 */
import type { PermissionRequestView } from '../../lib/agent-stream';

interface Props {
  permissions: PermissionRequestView[];
  /** Send the answer; false when the channel is not open. */
  onAnswer(requestId: string, optionId: string): boolean;
  disabled: boolean;
}

function outcomeText(entry: PermissionRequestView): string {
  const resolution = entry.resolution;
  if (!resolution) return '';
  const option = entry.request.options.find((candidate) => candidate.optionId === resolution.optionId);
  if (resolution.by === 'timeout') return `Nobody answered in time: ${option?.name ?? 'rejected'}.`;
  if (resolution.by === 'cancelled') return 'The agent stopped before an answer.';
  return `Answered: ${option?.name ?? resolution.optionId ?? 'no option'}.`;
}

export function PermissionRequestList({ permissions, onAnswer, disabled }: Props) {
  if (permissions.length === 0) return null;
  return (
    <section className="permission-requests" aria-label="Permission requests">
      {permissions.map((entry) => {
        const { request } = entry;
        const title = request.toolCall.title ?? `Tool call ${request.toolCall.toolCallId}`;
        const headingId = `permission-${request.requestId}`;
        return (
          <article key={request.requestId} className={`permission-request${entry.resolution ? ' resolved' : ''}`} aria-labelledby={headingId}>
            <h2 id={headingId} className="permission-title">
              {entry.resolution ? 'Permission request' : 'The agent asks permission'}: {title}
            </h2>
            {request.toolCall.kind && <p className="small permission-kind">Kind: {request.toolCall.kind}</p>}
            {request.toolCall.locations.length > 0 && (
              <p className="small permission-target">
                Target: <code>{request.toolCall.locations.map((location) => (location.line === null ? location.path : `${location.path}:${location.line}`)).join(', ')}</code>
              </p>
            )}
            {entry.resolution ? (
              <p role="status" className="notice small">
                {outcomeText(entry)}
              </p>
            ) : (
              <div className="row permission-options" role="group" aria-label={`Answer: ${title}`}>
                {request.options.map((option) => (
                  <button
                    key={option.optionId}
                    type="button"
                    className={option.kind.startsWith('allow') ? 'primary permission-allow' : 'permission-reject'}
                    disabled={disabled}
                    onClick={() => onAnswer(request.requestId, option.optionId)}
                  >
                    {option.name}
                  </button>
                ))}
              </div>
            )}
          </article>
        );
      })}
    </section>
  );
}
