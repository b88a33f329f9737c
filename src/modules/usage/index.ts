/** The usage module's public entry: what other modules may call. */
export {
  assertWithinBudget,
  budgetJson,
  budgetOf,
  effectiveLimit,
  type Budget,
} from './budget.service.js';
export { dayOf, endOfDay } from './days.js';
export { preloadTokenizer } from './tokenizer.js';
export {
  forgetChatUsage,
  forgetUserUsage,
  recordUsage,
  tokensUsedOn,
  totalsByUser,
  usageReport,
  type ModelCall,
  type TokenTotals,
  type UsageReport,
} from './usage.service.js';
export {
  BudgetSchema,
  TokenTotalsSchema,
  UsageReportSchema,
  rangeFields,
  resolveRange,
} from './usage.schemas.js';
export { usageRoutes } from './usage.routes.js';
