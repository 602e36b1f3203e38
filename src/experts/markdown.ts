/** A consultation as Markdown: the same bytes for the local folder and Google Drive. */
import type { Consultation, ExpertAnswer } from "./types.js";

const usd = (n: number | undefined) => (n === undefined ? "unpriced" : `$${n.toFixed(4)}`);

function answerSection(a: ExpertAnswer): string[] {
  const head = `### ${a.expert} (${a.model}): ${a.status}, ${(a.latencyMs / 1000).toFixed(1)} s, ${usd(a.costUsd)}${a.cached ? ", cached" : ""}`;
  if (a.status !== "ok") return [head, "", `> ${a.error ?? a.status}`, ""];
  return [head, "", a.text, "", ...a.points.map((p) => `- ${p}`), ""];
}

export function consultationMarkdown(c: Consultation): string {
  const { consensus } = c;
  const lines = [
    `# ${c.question.split("\n")[0]}`,
    "",
    `Consultation ${c.id}, ${c.createdAt}. Confidence ${consensus.confidence} (${consensus.method}). Cost ${usd(c.cost.totalUsd)}.`,
    "",
    "## Consensus",
    "",
    consensus.summary,
    "",
  ];
  if (consensus.recommendations.length)
    lines.push("### Recommendations", "", ...consensus.recommendations.map((r, i) => `${i + 1}. ${r}`), "");
  if (consensus.points.length)
    lines.push(
      "### Agreed points",
      "",
      ...consensus.points.map((p) => `- ${p.text} (${p.support.join(", ")}; ${Math.round(p.share * 100)}%)`),
      "",
    );
  if (consensus.dissent.length)
    lines.push(
      "### Dissent",
      "",
      ...consensus.dissent.map((p) => `- ${p.text} (${p.support.join(", ")})`),
      "",
    );
  if (c.review?.scores.length)
    lines.push(
      "### Peer review (Borda)",
      "",
      ...c.review.scores.map((s) => `- ${s.expert}: ${s.points}`),
      "",
    );
  lines.push("## Answers", "", ...c.answers.flatMap(answerSection));
  const stages = Object.entries(c.cost.byStage)
    .map(([stage, v]) => `${stage} ${usd(v)}`)
    .join(", ");
  lines.push(
    "## Cost",
    "",
    `Total ${usd(c.cost.totalUsd)} (${stages}).${c.cost.unpriced.length ? ` Unpriced: ${c.cost.unpriced.join(", ")}.` : ""}`,
    "",
  );
  return lines.join("\n");
}

/** `2026-01-31-which-database-1a2b3c4d.md` */
export function markdownFileName(c: Consultation): string {
  const slug =
    c.question
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "")
      .slice(0, 48) || "consultation";
  return `${c.createdAt.slice(0, 10)}-${slug}-${c.id.slice(0, 8)}.md`;
}
