/**
 * The usage module's public entry: the token ledger, daily budgets and GET /api/usage. Other
 * modules record their model calls here (recordUsage, or a charge their own documents hold:
 * holdChargesIn) and check budgets before calling the model.
 */
import { subscribeToUsers } from '../users/index.js';
import { forgetUserUsage } from './usage.service.js';

export {
  assertAccountActive,
  assertWithinBudget,
  budgetJson,
  effectiveLimit,
  serviceBudgetOf,
  mayCallModelFor,
  type Budget,
} from './budget.service.js';
export { dayOf } from './days.js';
export { startTokenizer, stopTokenizer } from './tokenizer.js';
export {
  chargeOf,
  countCharge,
  entryOf,
  forgetChatUsage,
  holdChargesIn,
  logUnrecordedUsage,
  moveIntoLedger,
  recordEntries,
  recordUsage,
  totalsByUser,
  unlinkLateEntry,
  usageReport,
  usageReportByUser,
  type ChargeHolder,
  type ModelCall,
  type TokenTotals,
  type UsageReport,
  type UserTotals,
} from './usage.service.js';
export { chargeFields, type Charge, type UsageEntryDoc } from './usage.model.js';
export {
  BudgetSchema,
  TokenTotalsSchema,
  UsageReportSchema,
  rangeFields,
  resolveRange,
} from './usage.schemas.js';
export { usageRoutes } from './usage.routes.js';

// A deleted account's entries stay in the totals but name no one (see users/user-hooks.ts); once
// more after the account is gone, for a reply that recorded its tokens while it was deleted.
subscribeToUsers('usage', { removeData: forgetUserUsage, sweep: forgetUserUsage });
