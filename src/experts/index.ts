/** The Circle of Experts: see circle.ts. */
export { cacheKey, memoryCache } from "./cache.js";
export { askCircle, type CircleOptions } from "./circle.js";
export { consensusOf, contentWords, deterministicSummary, groupPoints, similarity } from "./consensus.js";
export { BudgetError, CostLedger } from "./ledger.js";
export { buildMember, configProblem, type MemberStatus, memberStatuses, selectMembers } from "./members.js";
export { bordaCount, seededShuffle } from "./review.js";
export type * from "./types.js";
