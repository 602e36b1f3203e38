/**
 * Anonymised peer review: each expert ranks the others' answers under labels
 * shuffled for that reviewer (so no label means the same expert twice), never
 * its own; the rankings are combined by Borda count (n-1 points for first
 * place, 0 for last).
 */
import { createHash } from "node:crypto";
import { type CallContext, callMember, estimateCall } from "./call.js";
import type { CostLedger } from "./ledger.js";
import { REVIEW_SYSTEM, rankingSchema, reviewPrompt } from "./prompts.js";
import type { ExpertAnswer, ExpertMember, PeerReview } from "./types.js";

/** A deterministic shuffle seeded by text: the same consultation gets the same labels. */
export function seededShuffle<T>(items: readonly T[], seed: string): T[] {
  const out = [...items];
  let state = createHash("sha256").update(seed).digest().readUInt32LE(0);
  const next = () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** Borda count over rankings of expert names; every ranked expert appears in the result. */
export function bordaCount(
  rankings: readonly { order: readonly string[] }[],
): { expert: string; points: number }[] {
  const points = new Map<string, number>();
  for (const { order } of rankings) {
    for (const [i, expert] of order.entries())
      points.set(expert, (points.get(expert) ?? 0) + order.length - 1 - i);
  }
  return [...points]
    .map(([expert, p]) => ({ expert, points: p }))
    .sort((a, b) => b.points - a.points || a.expert.localeCompare(b.expert));
}

const LABELS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

async function rankBy(
  reviewer: ExpertMember,
  question: string,
  others: readonly ExpertAnswer[],
  ledger: CostLedger,
  ctx: CallContext,
) {
  const shuffled = seededShuffle(others, `${question}\u0000${reviewer.name}`);
  const labelled = shuffled.map((a, i) => ({
    label: LABELS[i] ?? String(i),
    text: a.text,
    expert: a.expert,
  }));
  const prompt = { system: REVIEW_SYSTEM, prompt: reviewPrompt(question, labelled) };
  const outcome = await callMember(
    reviewer,
    { ...prompt, schema: rankingSchema, schemaName: "ranking" },
    ctx,
  );
  ledger.record("review", reviewer.name, outcome.costUsd);
  if (outcome.status !== "ok" || !outcome.object) return undefined;
  const byLabel = new Map(labelled.map((l) => [l.label, l.expert]));
  const order: string[] = [];
  for (const label of outcome.object.ranking) {
    const expert = byLabel.get(
      label
        .trim()
        .replace(/^Response\s+/i, "")
        .toUpperCase(),
    );
    if (expert && !order.includes(expert)) order.push(expert);
  }
  // Labels the reviewer left out share last place: they get no points.
  return { reviewer: reviewer.name, order };
}

export async function peerReview(
  question: string,
  answers: readonly ExpertAnswer[],
  members: readonly ExpertMember[],
  ledger: CostLedger,
  ctx: CallContext,
): Promise<PeerReview> {
  const ok = answers.filter((a) => a.status === "ok");
  if (ok.length < 3)
    return { method: "borda", scores: [], rankings: [], skipped: "a peer review needs at least 3 answers" };
  const reviewers = members.filter((m) => ok.some((a) => a.expert === m.name));
  const estimates = reviewers.map((r) =>
    estimateCall(
      r,
      {
        system: REVIEW_SYSTEM,
        prompt: reviewPrompt(
          question,
          ok.map((a) => ({ label: "A", text: a.text })),
        ),
      },
      100,
    ),
  );
  if (!ledger.allows(estimates))
    return { method: "borda", scores: [], rankings: [], skipped: "the budget would be exceeded" };
  const results = await Promise.all(
    reviewers.map((r) =>
      rankBy(
        r,
        question,
        ok.filter((a) => a.expert !== r.name),
        ledger,
        ctx,
      ),
    ),
  );
  const rankings = results.filter((r) => r !== undefined);
  return { method: "borda", scores: bordaCount(rankings), rankings };
}
