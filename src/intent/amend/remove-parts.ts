/**
 * Removing parts of a base spec: "remove the worker", "drop the cache", "the
 * worker is no longer needed, remove it". Words that mean the whole
 * deployment ("remove everything") are not parts: the caller then destroys.
 */

import type { Entities } from "../build/entities.js";
import { WHOLE_WORDS } from "../read/actions.js";
import type { Reading } from "../read/read.js";

/** "remove the worker": marks existing parts removed; false when the words mean the whole deployment. */
export function removeParts(r: Reading, e: Entities): boolean {
  if (!r.ctx.amending) return false;
  const { start, end } = r.action;
  const inScope = r.mentions.filter((m) => m.start >= start && m.start < end);
  let targets = inScope;
  const scopeWords = r.ctx.tokens.slice(start, end).map((t) => t.w);
  if (inScope.length === 0 && scopeWords.some((w) => PRONOUNS.has(w))) {
    // "the worker is no longer needed, remove it": the pronoun points back in the sentence.
    targets = r.mentions.filter((m) => m.end <= start && r.ctx.sameSentence(m.start, start));
  }
  for (let i = start; i < end; i++) {
    const w = r.ctx.w(i);
    const whole = WHOLE_WORDS.has(w) && !(PRONOUNS.has(w) && targets.length > 0);
    if (whole && !r.mentions.some((m) => m.start <= i && i < m.end)) return false;
  }
  let removed = 0;
  for (const m of targets) {
    const target = e.byMention.get(m);
    if (target && !target.removed && !target.base) {
      // Removing what is not there: a question, and nothing is added or removed.
      target.removed = true;
      removed++;
      r.ctx.ask(`there is no ${target.name} to remove: which part did you mean?`);
      continue;
    }
    if (target && !target.removed) {
      target.removed = true;
      removed++;
      r.ctx.assume(`removed ${target.name}`);
    }
  }
  return removed > 0;
}

const PRONOUNS = new Set(["it", "them", "that", "those", "this"]);
