/**
 * Costs of one consultation per stage, and the budget check made before each
 * stage from an estimate: a stage that could exceed what is left is not sent.
 */
import { CodeError } from "../core/errors.js";
import { roundUsd } from "../llm/index.js";
import type { ConsultationCost, Stage } from "./types.js";

export class BudgetError extends CodeError {
  constructor(message: string) {
    super("EXPERTS_BUDGET", message, { hint: "raise experts.budgetUsd or --budget, or ask fewer experts" });
  }
}

export class CostLedger {
  private readonly byStage: Record<Stage, number> = { answers: 0, review: 0, synthesis: 0 };
  private readonly unpriced = new Set<string>();
  private estimateUsd = 0;

  constructor(readonly budgetUsd: number | undefined) {}

  get spent(): number {
    return this.byStage.answers + this.byStage.review + this.byStage.synthesis;
  }

  /** True when the stage may run; undefined estimates (unpriced models) cannot be held against the budget. */
  allows(estimates: readonly (number | undefined)[]): boolean {
    const known = estimates.reduce<number>((sum, e) => sum + (e ?? 0), 0);
    this.estimateUsd += known;
    return this.budgetUsd === undefined || this.spent + known <= this.budgetUsd;
  }

  record(stage: Stage, expert: string, costUsd: number | undefined): void {
    if (costUsd === undefined) this.unpriced.add(expert);
    else this.byStage[stage] = roundUsd(this.byStage[stage] + costUsd);
  }

  summary(): ConsultationCost {
    return {
      totalUsd: roundUsd(this.spent),
      byStage: { ...this.byStage },
      unpriced: [...this.unpriced].sort(),
      estimateUsd: roundUsd(this.estimateUsd),
      budgetUsd: this.budgetUsd,
    };
  }
}
