/** How `codeploy experts` prints a consultation: JSON in the contract's shape, or lines for people. */
import type { Consultation } from "../../experts/types.js";
import type { CliIo } from "../io.js";

const usd = (n: number | undefined) => (n === undefined ? "unpriced" : `$${n.toFixed(4)}`);

/** The `--json` shape of `experts ask`: absent values are null, never missing keys. */
export function consultationJson(c: Consultation) {
  return {
    id: c.id,
    createdAt: c.createdAt,
    question: c.question,
    answers: c.answers.map((a) => ({
      expert: a.expert,
      model: a.model,
      status: a.status,
      text: a.text,
      points: a.points,
      error: a.error ?? null,
      latencyMs: a.latencyMs,
      usage: a.usage,
      costUsd: a.costUsd ?? null,
      estimateUsd: a.estimateUsd ?? null,
      cached: a.cached,
    })),
    consensus: c.consensus,
    ...(c.review ? { review: c.review } : {}),
    cost: { ...c.cost, budgetUsd: c.cost.budgetUsd ?? null },
    cached: c.cached,
  };
}

export function printConsultation(io: CliIo, c: Consultation): void {
  const { consensus: k } = c;
  const out: string[] = [`Consensus (${k.method}, confidence ${k.confidence}):`, `  ${k.summary}`, ""];
  if (k.recommendations.length)
    out.push("Recommendations:", ...k.recommendations.map((r, i) => `  ${i + 1}. ${r}`), "");
  if (k.points.length)
    out.push(
      "Agreed:",
      ...k.points.map((p) => `  - ${p.text}  [${p.support.join(", ")}] ${Math.round(p.share * 100)}%`),
      "",
    );
  if (k.dissent.length)
    out.push("Dissent:", ...k.dissent.map((p) => `  - ${p.text}  [${p.support.join(", ")}]`), "");
  for (const note of k.notes) out.push(`note: ${note}`);
  if (c.review?.scores.length)
    out.push("Peer review (Borda):", ...c.review.scores.map((s) => `  ${s.expert}: ${s.points}`), "");
  else if (c.review?.skipped) out.push(`Peer review skipped: ${c.review.skipped}`, "");
  const width = Math.max(...c.answers.map((a) => a.expert.length), 6);
  out.push("Answers:");
  for (const a of c.answers) {
    const tail = a.status === "ok" ? `${usd(a.costUsd)}${a.cached ? " (cached)" : ""}` : (a.error ?? "");
    out.push(
      `  ${a.expert.padEnd(width)}  ${a.status.padEnd(7)}  ${(a.latencyMs / 1000).toFixed(1).padStart(5)} s  ${tail}`,
    );
  }
  const stages = Object.entries(c.cost.byStage)
    .map(([s, v]) => `${s} ${usd(v)}`)
    .join(", ");
  out.push(
    "",
    `Cost: ${usd(c.cost.totalUsd)} (${stages})${c.cost.unpriced.length ? `; unpriced: ${c.cost.unpriced.join(", ")}` : ""}`,
  );
  out.push(`Consultation ${c.id}${c.cached ? " (from the cache)" : ""}`);
  io.stdout(`${out.join("\n")}\n`);
}
