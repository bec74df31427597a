/**
 * The project's usage per day on the settings page (issue 16 item 2): the last 7 UTC days from
 * `GET /api/projects/:id/usage` — tokens in and out, node time and the cost estimate — newest
 * first, and whether today's budget is reached.
 */
import { formatCost, formatDurationMs, formatTokens, tokensIn, type ProjectUsageDay } from '@flotilla/contracts';
import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { api, errorText } from '../../lib/api';

/** Days the table shows. */
const USAGE_DAYS = 7;

/** The query key of a project's usage. */
export const usageKey = (projectId: string) => ['project-usage', projectId] as const;

function UsageRow({ day }: { day: ProjectUsageDay }) {
  return (
    <tr>
      <th scope="row">{day.day}</th>
      <td>{formatTokens(tokensIn(day.tokens))}</td>
      <td>{formatTokens(day.tokens.outputTokens)}</td>
      <td>{day.nodeMs > 0 ? formatDurationMs(day.nodeMs) : '–'}</td>
      <td title={day.unpriced.length > 0 ? `No price for ${day.unpriced.join(', ')}` : undefined}>{formatCost(day)}</td>
    </tr>
  );
}

export function UsageTable({ projectId }: { projectId: string }) {
  const titleId = useId();
  const usage = useQuery({ queryKey: usageKey(projectId), queryFn: () => api.getProjectUsage(projectId, USAGE_DAYS), refetchInterval: 30_000 });
  return (
    <section className="card usage-card" aria-labelledby={titleId}>
      <h2 id={titleId}>Usage</h2>
      {usage.isError && (
        <p role="alert" className="error small">
          {errorText(usage.error)}
        </p>
      )}
      {usage.data?.budgetReached && (
        <p className="budget-waiting small" role="status">
          {usage.data.budgetReached}.
        </p>
      )}
      <p className="muted small" id={`${titleId}-about`}>
        Last {USAGE_DAYS} days (UTC). Costs are estimates from the price table.
      </p>
      {usage.data && (
        <div className="usage-table-scroll">
          <table className="usage-table" data-testid="usage-table" aria-describedby={`${titleId}-about`}>
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col">Tokens in</th>
                <th scope="col">Tokens out</th>
                <th scope="col">Node time</th>
                <th scope="col">Cost</th>
              </tr>
            </thead>
            <tbody>
              {[...usage.data.days].reverse().map((day) => (
                <UsageRow key={day.day} day={day} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
