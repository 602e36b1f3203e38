/**
 * The Circle of Experts: every member asked in parallel; the answers stage
 * ends when all have answered or at the deadline, with whatever arrived (a
 * late or failed member is reported with its cause, never dropped). Then the
 * optional peer review and the chair's synthesis, each with the same deadline
 * of its own, and the budget checked before every stage.
 */
import { randomUUID } from "node:crypto";
import { type CallContext, callMember, estimateCall } from "./call.js";
import { consensusOf } from "./consensus.js";
import { BudgetError, CostLedger } from "./ledger.js";
import { answerSchema, EXPERT_SYSTEM } from "./prompts.js";
import { peerReview } from "./review.js";
import { synthesize } from "./synthesis.js";
import type { Consultation, ExpertAnswer, ExpertMember, ResponseCache } from "./types.js";

export interface CircleOptions {
  readonly members: readonly ExpertMember[];
  /** Chair names in order of precedence. @default [] */
  readonly chair?: readonly string[];
  /** Deadline of each stage. @default 30000 */
  readonly deadlineMs?: number;
  /** @default no limit */
  readonly budgetUsd?: number;
  /** @default 800 */
  readonly maxOutputTokens?: number;
  /** Anonymised peer ranking (Borda). @default false */
  readonly review?: boolean;
  /** undefined: no cache. */
  readonly cache?: ResponseCache;
  readonly signal?: AbortSignal;
  /** @default Date.now */
  readonly now?: () => number;
  /** @default randomUUID */
  readonly newId?: () => string;
}

function stageContext(options: CircleOptions, maxOutputTokens: number): CallContext & { done: () => void } {
  const deadlineMs = options.deadlineMs ?? 30_000;
  const timer = new AbortController();
  const handle = setTimeout(() => timer.abort(), deadlineMs);
  const signals = options.signal ? [options.signal, timer.signal] : [timer.signal];
  return {
    signal: AbortSignal.any(signals),
    timeoutMs: deadlineMs,
    maxOutputTokens,
    cache: options.cache,
    ...(options.signal ? { cancelled: options.signal } : {}),
    now: options.now ?? Date.now,
    done: () => clearTimeout(handle),
  };
}

async function gatherAnswers(
  question: string,
  options: CircleOptions,
  ledger: CostLedger,
): Promise<ExpertAnswer[]> {
  const maxOutputTokens = options.maxOutputTokens ?? 800;
  const prompt = { system: EXPERT_SYSTEM, prompt: question };
  const estimates = options.members.map((m) => estimateCall(m, prompt, maxOutputTokens));
  if (!ledger.allows(estimates))
    throw new BudgetError(
      `asking ${options.members.length} experts could cost more than the budget of $${ledger.budgetUsd}`,
    );
  const ctx = stageContext(options, maxOutputTokens);
  try {
    return await Promise.all(
      options.members.map(async (member, i): Promise<ExpertAnswer> => {
        const o = await callMember(member, { ...prompt, schema: answerSchema, schemaName: "answer" }, ctx);
        ledger.record("answers", member.name, o.costUsd);
        const { object, ...rest } = o;
        return {
          expert: member.name,
          ...rest,
          estimateUsd: estimates[i],
          text: object?.answer ?? "",
          points: object?.points ?? [],
        };
      }),
    );
  } finally {
    ctx.done();
  }
}

export async function askCircle(question: string, options: CircleOptions): Promise<Consultation> {
  const now = options.now ?? Date.now;
  const createdAt = new Date(now()).toISOString();
  const ledger = new CostLedger(options.budgetUsd);
  const answers = await gatherAnswers(question, options, ledger);
  const grouped = consensusOf(answers, options.members.length);
  let review: Consultation["review"];
  if (options.review) {
    const ctx = stageContext(options, 200);
    review = await peerReview(question, answers, options.members, ledger, ctx).finally(ctx.done);
  }
  const chairs = (options.chair ?? []).flatMap((name) => options.members.filter((m) => m.name === name));
  const ctx = stageContext(options, options.maxOutputTokens ?? 800);
  const consensus = await synthesize(question, answers, grouped, chairs, ledger, ctx).finally(ctx.done);
  return {
    id: (options.newId ?? randomUUID)(),
    createdAt,
    question,
    answers,
    consensus,
    ...(review ? { review } : {}),
    cost: ledger.summary(),
    cached: answers.length > 0 && answers.every((a) => a.cached),
  };
}
