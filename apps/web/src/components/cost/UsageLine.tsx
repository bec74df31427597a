/**
 * A task's usage in one line (issue 16 item 2): "12.3k tokens in, 2.1k out · $0.04 · node 3 min"
 * (contracts cost-format.ts), marked as an estimate, with what the price table could not price;
 * `compact` for board cards: "14.4k tokens · $0.04" (nothing for a run that asked no model and
 * cost nothing). Nothing before the task used anything.
 */
import { formatCost, formatTokens, formatUsageLine, tokensTotal, type UsageCost } from '@flotilla/contracts';
import { Link } from 'react-router';

/** Whether `cost` has anything to show. */
export const hasUsage = (cost: UsageCost | undefined): cost is UsageCost => cost !== undefined && (cost.tokens.requests > 0 || cost.nodeMs > 0);

/** Whether a board card shows `cost`: not for a run that asked no model and cost nothing (node time on this machine). */
export const cardShowsUsage = (cost: UsageCost | undefined): cost is UsageCost => hasUsage(cost) && (cost.tokens.requests > 0 || cost.costUsd !== 0);

export function UsageLine({ cost, compact = false }: { cost: UsageCost | undefined; compact?: boolean }) {
  if (!hasUsage(cost)) return null;
  const unpriced = cost.unpriced.length > 0 ? `No price for ${cost.unpriced.join(', ')}.` : null;
  const title = ['Estimate from the price table; your provider’s bill is what counts.', unpriced].filter(Boolean).join(' ');
  if (compact) {
    if (!cardShowsUsage(cost)) return null;
    return (
      <span className="usage-compact muted small" data-testid="card-usage" title={title}>
        {formatTokens(tokensTotal(cost.tokens))} tokens · {formatCost(cost)}
      </span>
    );
  }
  return (
    <p className="usage-line small" data-testid="task-usage">
      <span>{formatUsageLine(cost)}</span> <span className="muted">(estimate{unpriced ? `; ${unpriced}` : ''})</span>
    </p>
  );
}

/** Why a queued task waits (its project's daily budget is reached), with the way to raise it. */
export function WaitingReason({ projectId, reason, compact = false }: { projectId: string; reason: string | null | undefined; compact?: boolean }) {
  if (!reason) return null;
  if (compact) {
    return (
      <span className="budget-waiting small" data-testid="card-waiting" title={reason}>
        Waiting: daily budget reached
      </span>
    );
  }
  return (
    <p className="budget-waiting small" role="status" data-testid="task-waiting">
      {reason}.{' '}
      <Link to={`/projects/${projectId}/settings`}>Change the budget</Link>
    </p>
  );
}
