/**
 * Removing parts of a base spec: "remove the worker", "drop the cache", "the
 * worker is no longer needed, remove it". Words that mean the whole
 * deployment ("remove everything", "remove the shop" when the app is called
 * shop) are not parts: the caller then destroys. "from the shop" says where
 * the parts are removed from, never which.
 */

import type { Entities } from "../build/entities.js";
import type { Mention } from "../mentions/mention-types.js";
import { WHOLE_WORDS } from "../read/actions.js";
import type { Reading } from "../read/read.js";
import { kebab } from "../vocab/names.js";

/** What a removal aims at: the whole deployment, or these mentions' parts. */
export type Removal =
  | { readonly whole: true }
  | { readonly whole: false; readonly targets: readonly Mention[] };

/**
 * The mentions a removal verb governs, read from the words alone (before the
 * parts are resolved, so that a removed part is never first "added").
 * `app` is the base spec's name; `partNames` the base's parts (a part named
 * like the app is a part).
 */
export function removalOf(r: Reading, app: string, partNames: ReadonlySet<string>): Removal {
  const { ctx } = r;
  const { start } = r.action;
  const end = placeStart(r);
  const inScope = r.mentions.filter((m) => m.start >= start && m.start < end);
  const namesApp = (m: Mention) =>
    m.type === "service" && m.weak && m.appName !== undefined && isApp(m.appName, app, partNames);
  // "remove the shop" when the app is shop: the whole deployment.
  if (inScope.some(namesApp)) return { whole: true };
  let targets = inScope;
  const scopeWords = ctx.tokens.slice(start, end).map((t) => t.w);
  if (inScope.length === 0 && scopeWords.some((w) => PRONOUNS.has(w))) {
    // "the worker is no longer needed, remove it": the pronoun points back in the sentence.
    targets = r.mentions.filter((m) => m.end <= start && ctx.sameSentence(m.start, start));
  }
  for (let i = start; i < end; i++) {
    const w = ctx.w(i);
    const whole = WHOLE_WORDS.has(w) && !(PRONOUNS.has(w) && targets.length > 0);
    if (whole && !r.mentions.some((m) => m.start <= i && i < m.end)) return { whole: true };
  }
  return { whole: false, targets };
}

function isApp(words: string, app: string, partNames: ReadonlySet<string>): boolean {
  const name = kebab(words);
  return name === app && !partNames.has(name);
}

/**
 * Where the removed parts' words stop: at "from" or "out of" after them
 * ("remove the worker from the shop", "drop redis out of the stack"); what
 * follows names the place, not a part. Without words before it, "from" is
 * no bound ("remove from the stack the worker" is rare; it reads as before).
 */
function placeStart(r: Reading): number {
  const { ctx } = r;
  const { start, end } = r.action;
  for (let i = start + 1; i < end; i++) {
    const w = ctx.w(i);
    const place = w === "from" || (w === "out" && ctx.w(i + 1) === "of");
    if (!place) continue;
    const before = ctx.tokens.slice(start, i).map((t) => t.w);
    const said = r.mentions.some((m) => m.start >= start && m.end <= i);
    if (said || before.some((b) => WHOLE_WORDS.has(b) || PRONOUNS.has(b))) return i;
  }
  return end;
}

/** Marks the removal's existing parts removed; what is not there is a question and changes nothing. */
export function removeParts(r: Reading, e: Entities, removal: Removal): boolean {
  if (!r.ctx.amending || removal.whole) return false;
  let removed = 0;
  for (const m of removal.targets) {
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
