export {
  buildCatalog,
  CATALOG_VERSION,
  catalogRegions,
  defaultCatalog,
  entriesFromFile,
  FALLBACK_REGIONS,
  findPrice,
  priceId,
} from "./catalog.js";
export { CatalogError, CostInputError } from "./errors.js";
export {
  type BudgetCheck,
  checkBudget,
  DEFAULT_HOURS_PER_MONTH,
  estimateCost,
  FREE_NOTE,
} from "./estimate.js";
export { formatEstimate } from "./format.js";
export { formatUsd } from "./money.js";
export { parseCpu, parseMemoryGib } from "./quantity.js";
export {
  COST_KINDS,
  type CostEstimate,
  type CostItem,
  type CostKind,
  type EstimateOptions,
  type PriceCatalog,
  type PriceEntry,
} from "./types.js";
