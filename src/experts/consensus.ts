/**
 * Consensus from the experts' key points: points are grouped across answers
 * by word overlap (Dice coefficient on normalised content words), each group
 * with the experts that support it and its share of the answers. A majority
 * (share > 0.5) makes a point of the consensus; the rest is dissent, kept.
 * Confidence comes from agreement: the mean share of the groups, weighted by
 * how many points fell into each, times the fraction of experts that answered.
 */
import type { ConsensusPoint, ExpertAnswer } from "./types.js";

const STOP = new Set(
  "the a an and or of to in on for with by is are be it this that as at from use using should can will not no your you we our".split(
    " ",
  ),
);

/** Content words, lower-cased, with plural and common suffixes removed: "Databases" ~ "database". */
export function contentWords(text: string): Set<string> {
  const words = text.toLowerCase().match(/[a-z0-9][a-z0-9.+-]*/g) ?? [];
  const out = new Set<string>();
  for (const w of words) {
    if (STOP.has(w) || w.length < 2) continue;
    out.add(w.replace(/(ing|ed|es|s)$/, "").replace(/\.$/, "") || w);
  }
  return out;
}

export function similarity(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const w of a) if (b.has(w)) shared++;
  return (2 * shared) / (a.size + b.size);
}

interface Group {
  readonly texts: string[];
  readonly words: Set<string>[];
  readonly experts: Set<string>;
}

/** @default threshold 0.5: half the content words in common. */
export function groupPoints(answers: readonly ExpertAnswer[], threshold = 0.5): Group[] {
  const groups: Group[] = [];
  for (const answer of answers) {
    for (const text of answer.points) {
      const words = contentWords(text);
      let best: Group | undefined;
      let bestScore = threshold;
      for (const g of groups) {
        // One expert supports a group once: its second similar point does not double its vote.
        if (g.experts.has(answer.expert)) continue;
        const score = Math.max(...g.words.map((w) => similarity(w, words)));
        if (score >= bestScore) {
          best = g;
          bestScore = score;
        }
      }
      if (best) {
        best.texts.push(text);
        best.words.push(words);
        best.experts.add(answer.expert);
      } else groups.push({ texts: [text], words: [words], experts: new Set([answer.expert]) });
    }
  }
  return groups;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export interface GroupedPoints {
  readonly points: ConsensusPoint[];
  readonly dissent: ConsensusPoint[];
  readonly confidence: number;
}

export function consensusOf(answers: readonly ExpertAnswer[], asked: number): GroupedPoints {
  const ok = answers.filter((a) => a.status === "ok");
  if (ok.length === 0) return { points: [], dissent: [], confidence: 0 };
  const groups = groupPoints(ok);
  const all = groups
    .map((g) => ({
      // The shortest phrasing reads best as the group's label.
      text: [...g.texts].sort((a, b) => a.length - b.length)[0] ?? "",
      support: [...g.experts].sort(),
      share: round2(g.experts.size / ok.length),
    }))
    .sort((a, b) => b.share - a.share || a.text.localeCompare(b.text));
  const mentions = groups.reduce((n, g) => n + g.experts.size, 0);
  const agreement =
    mentions === 0
      ? 0
      : groups.reduce((s, g) => s + g.experts.size * (g.experts.size / ok.length), 0) / mentions;
  // One voice has nothing to agree with: its agreement is unknown, not perfect.
  const solo = ok.length === 1 ? 0.5 : 1;
  return {
    points: all.filter((p) => p.share > 0.5),
    dissent: all.filter((p) => p.share <= 0.5),
    confidence: round2(agreement * (ok.length / Math.max(asked, ok.length)) * solo),
  };
}

/** The summary when no chair could write one: built only from the grouped points. */
export function deterministicSummary(answers: readonly ExpertAnswer[], grouped: GroupedPoints): string {
  const ok = answers.filter((a) => a.status === "ok").length;
  const parts = [`${ok} of ${answers.length} experts answered.`];
  if (grouped.points.length > 0)
    parts.push(`Agreed: ${grouped.points.map((p) => `${p.text} (${p.support.length}/${ok})`).join("; ")}.`);
  if (grouped.dissent.length > 0)
    parts.push(
      `Raised by a minority: ${grouped.dissent.map((p) => `${p.text} (${p.support.join(", ")})`).join("; ")}.`,
    );
  return parts.join(" ");
}
