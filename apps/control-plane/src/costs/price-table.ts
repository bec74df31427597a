/**
 * The price table cost estimates are computed with (contracts costs.ts): the default, with the
 * deployment's PRICE_TABLE setting (JSON, a contracts `PriceTable`) laid over it — its models
 * added to or replacing the default's, its node prices merged per provider. A PRICE_TABLE that is
 * not JSON or not a price table is refused with a problem the deps log at startup (deps.ts), and
 * the default is kept: a typo must not take the API down. Chosen over a settings API because
 * prices are the operator's, for the whole deployment, like every other setting here.
 */
import { DEFAULT_PRICE_TABLE, PriceTable, type ModelPrice } from '@flotilla/contracts';

/** The table to use, and what was wrong with PRICE_TABLE (null: nothing, or unset). */
export interface PriceTableSetting {
  table: PriceTable;
  problem: string | null;
}

/** Lay `override` over the default table. */
function withDefaults(override: PriceTable): PriceTable {
  const nodes: PriceTable['nodes'] = { ...DEFAULT_PRICE_TABLE.nodes };
  for (const [provider, sizes] of Object.entries(override.nodes)) nodes[provider] = { ...nodes[provider], ...sizes };
  return { models: { ...DEFAULT_PRICE_TABLE.models, ...override.models }, nodes };
}

/**
 * Read the PRICE_TABLE setting.
 * @param raw - the var as set (undefined or blank: the default table)
 */
export function readPriceTable(raw: string | undefined): PriceTableSetting {
  if (raw === undefined || raw.trim() === '') return { table: DEFAULT_PRICE_TABLE, problem: null };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    return { table: DEFAULT_PRICE_TABLE, problem: `PRICE_TABLE is not JSON (${error instanceof Error ? error.message : String(error)}); the default price table is used` };
  }
  const parsed = PriceTable.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top)'}: ${issue.message}`).join('; ');
    return { table: DEFAULT_PRICE_TABLE, problem: `PRICE_TABLE is not a price table (${issues}); the default price table is used` };
  }
  return { table: withDefaults(parsed.data), problem: null };
}

/**
 * The price of `model`: the table's entry whose name is the longest prefix of it (a leading
 * `models/`, as Gemini names them, is ignored). @returns null for a model the table does not know
 */
export function priceOfModel(table: PriceTable, model: string): ModelPrice | null {
  const name = model.replace(/^models\//, '');
  let best: { prefix: string; price: ModelPrice } | null = null;
  for (const [prefix, price] of Object.entries(table.models)) {
    if (name.startsWith(prefix) && (!best || prefix.length > best.prefix.length)) best = { prefix, price };
  }
  return best?.price ?? null;
}

/** The hourly price of a node of `provider` and `size` (US dollars), or null when the table has none. */
export function priceOfNodeHour(table: PriceTable, provider: string, size: string): number | null {
  return table.nodes[provider]?.[size] ?? null;
}
