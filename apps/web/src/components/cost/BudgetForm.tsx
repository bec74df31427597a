/**
 * The project's daily budget on the settings page (issue 16 item 2): none, US dollars or tokens
 * per UTC day. Saved with `PATCH /api/projects/:id {dailyBudget}`; once the day's usage reaches
 * it, new tasks wait `queued` with the reason, and raising it here lets them start at once.
 */
import { DailyBudget, type Project } from '@flotilla/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { api, errorText } from '../../lib/api';
import { keys } from '../../lib/queries';
import { useTransientNotice } from '../../lib/transient-notice';
import { usageKey } from './UsageTable';

type Unit = 'none' | DailyBudget['unit'];

export function BudgetForm({ project }: { project: Project }) {
  const titleId = useId();
  const queryClient = useQueryClient();
  const [unit, setUnit] = useState<Unit>(project.dailyBudget?.unit ?? 'none');
  const [limit, setLimit] = useState(project.dailyBudget ? String(project.dailyBudget.limit) : '');
  const [problem, setProblem] = useState<string | null>(null);
  const saved = useTransientNotice();
  const save = useMutation({
    mutationFn: (dailyBudget: DailyBudget | null) => api.updateProject(project.id, { dailyBudget }),
    onSuccess: (updated) => {
      queryClient.setQueryData(keys.project(project.id), updated);
      void queryClient.invalidateQueries({ queryKey: usageKey(project.id) });
      void queryClient.invalidateQueries({ queryKey: keys.tasks(project.id) });
      saved.show(updated.dailyBudget ? 'Budget saved.' : 'Budget removed.');
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    saved.clear();
    if (unit === 'none') {
      setProblem(null);
      save.mutate(null);
      return;
    }
    const parsed = DailyBudget.safeParse({ unit, limit: Number(limit) });
    if (!parsed.success || limit.trim() === '') {
      setProblem(unit === 'usd' ? 'Give an amount in dollars above 0, like 5 or 2.50.' : 'Give a number of tokens above 0, like 200000.');
      save.reset();
      return;
    }
    setProblem(null);
    save.mutate(parsed.data);
  };

  const error = problem ?? (save.isError ? errorText(save.error) : null);
  return (
    <form className="card form budget-form" onSubmit={submit} onChange={saved.clear} aria-labelledby={titleId}>
      <h2 id={titleId}>Daily budget</h2>
      <p className="muted small">
        When today&apos;s usage (UTC) reaches the budget, new tasks wait in the queue instead of starting; running tasks finish. They start when the day
        changes or you raise the budget. Costs are estimates from the price table.
      </p>
      <div className="budget-fields">
        <label>
          Limit by
          <select value={unit} onChange={(e) => setUnit(e.target.value as Unit)}>
            <option value="none">No budget</option>
            <option value="usd">Dollars per day</option>
            <option value="tokens">Tokens per day</option>
          </select>
        </label>
        {unit !== 'none' && (
          <label>
            {unit === 'usd' ? 'Dollars' : 'Tokens'}
            <input
              inputMode="decimal"
              value={limit}
              onChange={(e) => setLimit(e.target.value)}
              placeholder={unit === 'usd' ? '5.00' : '200000'}
              aria-invalid={problem ? true : undefined}
            />
          </label>
        )}
      </div>
      {error && (
        <p role="alert" className="error small">
          {error}
        </p>
      )}
      {saved.notice && (
        <p role="status" className="notice small">
          {saved.notice}
        </p>
      )}
      <button type="submit" disabled={save.isPending}>
        Save budget
      </button>
    </form>
  );
}
