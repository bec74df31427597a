/**
 * Tasks as the API shows them, with their `cost` (contracts `UsageCost`): summed from the usage
 * ledger over the task's runs — over its variants' runs for a task run on several agents — and
 * estimated with the price table (estimate.ts). One ledger query for all the tasks.
 */
import type { PriceTable, Task } from '@flotilla/contracts';
import { estimateCost } from './estimate.js';
import { ledgerOfTasks } from './ledger-repository.js';

/** `tasks`, each with its `cost`. */
export async function withCosts(db: D1Database, table: PriceTable, tasks: readonly Task[]): Promise<Task[]> {
  const idsOf = (task: Task) => [task.id, ...(task.variants ?? []).map((variant) => variant.taskId)];
  const ledger = await ledgerOfTasks(db, tasks.flatMap(idsOf));
  return tasks.map((task) => ({ ...task, cost: estimateCost(table, idsOf(task).flatMap((id) => ledger.get(id) ?? [])) }));
}

/** One task with its `cost`. */
export async function withCost<T extends Task>(db: D1Database, table: PriceTable, task: T): Promise<T> {
  const [withIt] = await withCosts(db, table, [task]);
  return { ...task, cost: withIt?.cost };
}
