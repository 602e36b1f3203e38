/**
 * The chair's synthesis: chairs in order, the next one taking over when one
 * fails or the budget forbids it; with no chair left, the deterministic
 * summary from the grouped points.
 */
import { type CallContext, callMember, estimateCall } from "./call.js";
import { deterministicSummary, type GroupedPoints } from "./consensus.js";
import type { CostLedger } from "./ledger.js";
import { CHAIR_SYSTEM, synthesisPrompt, synthesisSchema } from "./prompts.js";
import type { Consensus, ExpertAnswer, ExpertMember } from "./types.js";

export async function synthesize(
  question: string,
  answers: readonly ExpertAnswer[],
  grouped: GroupedPoints,
  chairs: readonly ExpertMember[],
  ledger: CostLedger,
  ctx: CallContext,
): Promise<Consensus> {
  const ok = answers.filter((a) => a.status === "ok").length;
  const base = { points: grouped.points, dissent: grouped.dissent, confidence: grouped.confidence };
  if (ok === 0)
    return { ...base, summary: "No expert answered.", recommendations: [], method: "none", notes: [] };
  const notes: string[] = [];
  const prompt = {
    system: CHAIR_SYSTEM,
    prompt: synthesisPrompt(question, grouped.points, grouped.dissent, ok),
  };
  for (const chair of chairs) {
    if (!ledger.allows([estimateCall(chair, prompt, ctx.maxOutputTokens)])) {
      notes.push(`chair ${chair.name}: skipped, the budget would be exceeded`);
      continue;
    }
    const outcome = await callMember(
      chair,
      { ...prompt, schema: synthesisSchema, schemaName: "synthesis" },
      ctx,
    );
    ledger.record("synthesis", chair.name, outcome.costUsd);
    if (outcome.status === "ok" && outcome.object) {
      return {
        ...base,
        summary: outcome.object.summary,
        recommendations: outcome.object.recommendations,
        method: `chair:${chair.name}`,
        notes,
      };
    }
    notes.push(`chair ${chair.name}: ${outcome.error ?? outcome.status}`);
  }
  return {
    ...base,
    summary: deterministicSummary(answers, grouped),
    recommendations: grouped.points.map((p) => p.text),
    method: "deterministic",
    notes,
  };
}
