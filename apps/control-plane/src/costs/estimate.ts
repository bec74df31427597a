/**
 * The cost estimate (contracts `UsageCost`) of summed ledger lines (ledger-repository.ts), by a
 * price table (price-table.ts): each model's tokens at its price per million tokens — input,
 * output, cache read, cache write — and each node's time at its provider's hourly price for its
 * size. What the table cannot price is named in `unpriced` and makes the estimate unknown
 * (`costUsd` null); its tokens and node time are still counted.
 */
import { EMPTY_USAGE_COST, type PriceTable, type UsageCost } from '@flotilla/contracts';
import type { LedgerSum } from './ledger-repository.js';
import { priceOfModel, priceOfNodeHour } from './price-table.js';

const MS_PER_HOUR = 3_600_000;
const TOKENS_PER_PRICE_UNIT = 1_000_000;

/** The price of one ledger line (US dollars), or null when the table has none. */
function priceOfLine(table: PriceTable, line: LedgerSum): number | null {
  if (line.kind === 'node') {
    const [provider = '', size = ''] = line.item.split(' ');
    const hourly = priceOfNodeHour(table, provider, size);
    return hourly === null ? null : (line.nodeMs / MS_PER_HOUR) * hourly;
  }
  const price = line.item === '' ? null : priceOfModel(table, line.item);
  if (!price) return null;
  return (
    (line.inputTokens * price.inputPerMTokUsd +
      line.outputTokens * price.outputPerMTokUsd +
      line.cacheReadTokens * price.cacheReadPerMTokUsd +
      line.cacheWriteTokens * price.cacheWritePerMTokUsd) /
    TOKENS_PER_PRICE_UNIT
  );
}

/** What the lines add up to, and their estimate. Lines with nothing in them are ignored. */
export function estimateCost(table: PriceTable, lines: readonly LedgerSum[]): UsageCost {
  const result: UsageCost = { ...EMPTY_USAGE_COST, tokens: { ...EMPTY_USAGE_COST.tokens }, unpriced: [] };
  for (const line of lines) {
    result.tokens.requests += line.requests;
    result.tokens.inputTokens += line.inputTokens;
    result.tokens.outputTokens += line.outputTokens;
    result.tokens.cacheReadTokens += line.cacheReadTokens;
    result.tokens.cacheWriteTokens += line.cacheWriteTokens;
    result.nodeMs += line.nodeMs;
    const usd = priceOfLine(table, line);
    if (usd === null) {
      const name = line.kind === 'node' ? `node ${line.item}` : line.item || 'unknown model';
      if (!result.unpriced.includes(name)) result.unpriced.push(name);
    } else {
      result.pricedCostUsd += usd;
    }
  }
  result.costUsd = result.unpriced.length > 0 ? null : result.pricedCostUsd;
  return result;
}
