/** What the circle asks of its members, and the shapes their answers must have. */
import { z } from "zod";
import type { ConsensusPoint } from "./types.js";

export const answerSchema = z.object({
  answer: z.string().describe("your full answer, a few short paragraphs at most"),
  points: z
    .array(z.string())
    .describe("2 to 6 key points of your answer, each one short self-contained sentence"),
});

export const synthesisSchema = z.object({
  summary: z.string().describe("the panel's consensus in a short paragraph, naming real disagreements"),
  recommendations: z.array(z.string()).describe("concrete recommendations, most important first"),
});

export const rankingSchema = z.object({
  ranking: z.array(z.string()).describe("the response labels, best first, each exactly once"),
});

export const EXPERT_SYSTEM =
  "You are one expert on a panel answering a question about software deployment and operations. " +
  "Answer on your own merits, concisely, and list the key points of your answer.";

export const CHAIR_SYSTEM =
  "You chair a panel of experts. Write the panel's consensus from their grouped key points: " +
  "state what most agree on, keep real dissent visible, and give concrete recommendations. Do not invent points.";

export const REVIEW_SYSTEM =
  "You review anonymous answers to a question. Rank them from most to least accurate and useful. " +
  "Judge the content only.";

export function synthesisPrompt(
  question: string,
  points: readonly ConsensusPoint[],
  dissent: readonly ConsensusPoint[],
  answered: number,
): string {
  const line = (p: ConsensusPoint) => `- ${p.text} (supported by ${p.support.length} of ${answered})`;
  return [
    `Question: ${question}`,
    "",
    "Points most experts made:",
    ...(points.length ? points.map(line) : ["- (none)"]),
    "",
    "Points made by a minority:",
    ...(dissent.length ? dissent.map(line) : ["- (none)"]),
  ].join("\n");
}

export function reviewPrompt(question: string, labelled: readonly { label: string; text: string }[]): string {
  return [
    `Question: ${question}`,
    "",
    ...labelled.map((l) => `Response ${l.label}:\n${l.text}\n`),
    `Rank the labels ${labelled.map((l) => l.label).join(", ")}.`,
  ].join("\n");
}
