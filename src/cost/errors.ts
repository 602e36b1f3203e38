import { CodeError, type CodeErrorOptions } from "../core/errors.js";

/** The price catalog is malformed or lacks a price the estimate needs. */
export class CatalogError extends CodeError {
  constructor(message: string, options: CodeErrorOptions = {}) {
    super("COST_CATALOG", message, {
      hint: "check the price catalog (src/cost/catalog/*.json or the catalog passed in options)",
      ...options,
    });
  }
}

/** A cpu or memory quantity (or an option) that the estimate cannot use. */
export class CostInputError extends CodeError {
  constructor(message: string, options: CodeErrorOptions = {}) {
    super("COST_INPUT", message, options);
  }
}
