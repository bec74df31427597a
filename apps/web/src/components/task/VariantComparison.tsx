/**
 * The results of a task run on several agents side by side (issue 13 item 4): one column per
 * agent on a wide screen, stacked cards on a narrow one — each with its status, summary (or
 * error), files changed, tokens, branch and a link to that agent's chat session.
 */
import { AGENT_CATALOG, type TaskVariant } from '@flotilla/contracts';
import { Link } from 'react-router';
import { StatusBadge } from '../ui/StatusBadge';

/** Tokens a variant used as one short line; null while none was counted. */
function tokensText(variant: TaskVariant): string | null {
  if (!variant.usage) return null;
  const { inputTokens, outputTokens, requests } = variant.usage;
  return `${inputTokens.toLocaleString('en')} in · ${outputTokens.toLocaleString('en')} out · ${requests} request${requests === 1 ? '' : 's'}`;
}

export function VariantComparison({ projectId, variants }: { projectId: string; variants: readonly TaskVariant[] }) {
  if (variants.length === 0) return null;
  return (
    // Scrolls on its own when the agents do not fit: focusable, so the keyboard can scroll it too.
    <section className="variants" aria-label="Results by agent" tabIndex={0}>
      {variants.map((variant) => {
        const label = AGENT_CATALOG[variant.agentType].label;
        const tokens = tokensText(variant);
        return (
          <article key={variant.taskId} className="variant" aria-label={label} data-agent-type={variant.agentType}>
            <header className="variant-heading">
              <h3 className="variant-title">{label}</h3>
              <StatusBadge status={variant.status} />
            </header>
            {variant.error ? (
              <p role="alert" className="error small variant-text">
                {variant.error}
              </p>
            ) : (
              <p className="small variant-text">{variant.summary ?? <span className="muted">No summary yet.</span>}</p>
            )}
            <dl className="variant-facts small">
              <dt>Files changed</dt>
              <dd data-testid="variant-files">
                {variant.filesChanged && variant.filesChanged.length > 0 ? (
                  <>
                    {variant.filesChanged.length}
                    <ul className="variant-files">
                      {variant.filesChanged.map((file) => (
                        <li key={file}>
                          <code>{file}</code>
                        </li>
                      ))}
                    </ul>
                  </>
                ) : (
                  <span className="muted">none</span>
                )}
              </dd>
              <dt>Tokens</dt>
              <dd data-testid="variant-tokens">{tokens ?? <span className="muted">none counted</span>}</dd>
              <dt>Branch</dt>
              <dd>{variant.branch ? <code>{variant.branch}</code> : <span className="muted">not pushed</span>}</dd>
            </dl>
            {variant.chatSessionId && (
              <Link to={`/projects/${projectId}/chat/${variant.chatSessionId}`} className="button-link variant-chat">
                Open {label} chat
              </Link>
            )}
          </article>
        );
      })}
    </section>
  );
}
