/**
 * The app's name as people say it: "call it X", "a platform called X",
 * "Project: X", "my side project, X.", "deploy nginx:1.27 as X", "payroll's
 * api", "for the field-notes app", "since the last acme-store deploy", and
 * the object of a verb that acts on a whole app ("decommission billing"),
 * what replaces something ("orders-v2 replaces the old orders service").
 * Sure cues come first; a service's owner ("the payments api") last.
 */

import type { Mention } from "../mentions/mention-types.js";
import { isSeparatePart } from "../mentions/mentions.js";
import type { Ctx } from "../tokens/context.js";
import { words } from "../tokens/phrases.js";
import { gluedRun, tokenize } from "../tokens/tokenizer.js";
import { ENV_STRONG } from "../vocab/cues.js";
import { isNameWord, kebab, readName } from "../vocab/names.js";
import { DATA_NOUNS, FRAMEWORKS, SERVICE_NOUNS } from "../vocab/vocab.js";

export interface AppNameReading {
  readonly name: string;
  /** "said": the words name the app for sure; "words": read from how a part is called. */
  readonly how: "said" | "words";
}

/** Nouns a person names an app with ("a platform called X", "Project: X"). */
const NAMING_NOUNS = words(
  "app application project stack system platform product site website tool solution",
);
/** Nouns that follow an app's name ("the ledger app", "the last acme-store deploy"). */
const OWNED_NOUNS = words(
  "app application project platform product stack system deploy deployment release rollout",
);
const DEFINITE = words("the my our your this");
const OWNED_LEADS = words("the my our your this whole entire last previous latest current");
const TIME_WORDS = words(
  "yesterday today tomorrow tonight week month year day night morning evening weekend hour minute",
);
const VERBS_BEFORE_APP = words(
  "deploy redeploy launch run host ship release roll back rollback revert destroy delete remove tear down scale restart stop status of update upgrade promote move migrate",
);
const NAME_ENDS = words("to in on with at from for and using into");

export function findAppName(ctx: Ctx, mentions: readonly Mention[]): AppNameReading | undefined {
  for (let i = 0; i < ctx.length; i++) {
    const said = saidAt(ctx, i);
    if (said) return { name: said, how: "said" };
  }
  for (let i = 0; i < ctx.length; i++) {
    const owned = ownedAt(ctx, i);
    if (owned) return { name: owned, how: "said" };
  }
  for (const m of mentions)
    if (m.type === "service" && m.appName && !isSeparatePart(m, mentions))
      return { name: kebab(m.appName), how: "words" };
  for (let i = 0; i < ctx.length; i++) {
    if (ctx.w(i) !== "the" || !VERBS_BEFORE_APP.has(ctx.w(i - 1))) continue;
    if (!isNameWord(ctx, i + 1)) continue;
    const run = nameRun(ctx, i + 1);
    const after = ctx.t(run?.end ?? i + 2);
    if (run && (after === undefined || after.kind === "punct" || NAME_ENDS.has(after.w)))
      return { name: run.name, how: "words" };
  }
  return undefined;
}

/** The sure cues at token i. */
function saidAt(ctx: Ctx, i: number): string | undefined {
  const w = ctx.w(i);
  if (w === "rename" || (w === "change" && ctx.w(i + 1) === "the" && ctx.w(i + 2) === "name")) {
    let k = i + 1;
    while (k < i + 5 && ctx.w(k) !== "to" && ctx.w(k) !== "as") k++;
    if (ctx.w(k) === "to" || ctx.w(k) === "as") return readName(ctx, k + 1)?.name;
  }
  // "App name is relay", "the name should be relay", "name: relay"
  if (
    w === "name" &&
    (NAMING_NOUNS.has(ctx.w(i - 1)) || DEFINITE.has(ctx.w(i - 1)) || i === ctx.sentenceStart(i))
  ) {
    let k = i + 1;
    if (ctx.w(k) === "is" || ctx.w(k) === ":" || ctx.w(k) === "=") k++;
    else if (ctx.w(k) === "should" && ctx.w(k + 1) === "be") k += 2;
    else k = -1;
    if (k > 0) return nameRun(ctx, k, true)?.name;
  }
  // "call it X", "name it X", "call the app X"
  if (w === "call" || w === "name") {
    let k = i + 1;
    if (ctx.w(k) === "it") k++;
    else if (DEFINITE.has(ctx.w(k)) && NAMING_NOUNS.has(ctx.w(k + 1))) k += 2;
    else return undefined;
    if (ctx.w(k) === "as" || ctx.w(k) === ":") k++;
    return nameRun(ctx, k, true)?.name;
  }
  // "a platform called X", "the app is called X", "Project: X", "my side project, X."
  if (NAMING_NOUNS.has(w)) {
    let k = i + 1;
    if (ctx.w(k) === "is" || ctx.w(k) === "will") k += ctx.w(k + 1) === "be" ? 2 : 1;
    const link = ctx.w(k);
    if (link === "called" || link === "named") return nameRun(ctx, k + 1, true)?.name;
    // "Project: X" is a label at the start of a sentence; "canteen app: frontend -> api" is not.
    if (link === ":" && i === ctx.sentenceStart(i)) return nameRun(ctx, k + 1, true)?.name;
    if (link === ",") {
      const run = nameRun(ctx, k + 1);
      const end = ctx.t(run?.end ?? 0);
      if (run && !ctx.isUsed(k + 1) && (end === undefined || end.kind === "punct")) return run.name;
    }
    return undefined;
  }
  // "Our knowledge base is called kb", "..., named spring-promo": no service noun before.
  if ((w === "called" || w === "named") && (ctx.w(i - 1) === "is" || ctx.w(i - 1) === ",")) {
    const subject = ctx.w(ctx.w(i - 1) === "is" ? i - 2 : i - 1);
    if (SERVICE_NOUNS.at(ctx.tokens, Math.max(0, i - 2)) || dataWord(subject)) return undefined;
    return nameRun(ctx, i + 1, true)?.name;
  }
  // "orders-v2 replaces the old orders service": what replaces something is what is deployed.
  if (REPLACES.has(w)) return replacerAt(ctx, i);
  // "deploy nginx:1.27 as edge-proxy", "run acme/api:2 as billing-api", "nginx:1.27 named nc-web2"
  if (["as", "named", "called"].includes(w) && ctx.t(i - 1)?.kind === "image")
    return nameRun(ctx, i + 1, w !== "as")?.name;
  // "payroll's api", "billing-v3's worker" (not "yesterday's version")
  const t = ctx.t(i);
  if (t?.possessive && t.kind === "word" && !TIME_WORDS.has(t.w)) {
    const start = runStart(ctx, i);
    const run = nameRun(ctx, start, true);
    const free = !ctx.isUsed(start) && !roleWord(ctx.w(start)) && !dataWord(ctx.w(start));
    if (run && run.end === i + 1 && free) return run.name;
  }
  return undefined;
}

const REPLACES = words("replace replaces replacing supersede supersedes superseding");
const AUXILIARIES = words("will is shall would");

/** The name before a replacement verb, when it opens its sentence (or follows a label: "Context: X replaces Y"). */
function replacerAt(ctx: Ctx, i: number): string | undefined {
  const last = AUXILIARIES.has(ctx.w(i - 1)) ? i - 2 : i - 1;
  if (last < 0) return undefined;
  const start = runStart(ctx, last);
  const opens = start === ctx.sentenceStart(i) || ctx.w(start - 1) === ":";
  if (!opens || roleWord(ctx.w(start)) || dataWord(ctx.w(start))) return undefined;
  const run = nameRun(ctx, start);
  return run && run.end === last + 1 ? run.name : undefined;
}

/** "for the ledger app", "the last acme-store deploy", "canteen app: ..." */
function ownedAt(ctx: Ctx, i: number): string | undefined {
  if (!OWNED_NOUNS.has(ctx.w(i)) || i === 0) return undefined;
  const start = runStart(ctx, i - 1);
  const before = ctx.w(start - 1);
  // "canteen app: ..." starts its sentence with the name; "pls deploy" is a verb, not "the pls deploy".
  const lead =
    OWNED_LEADS.has(before) ||
    (start === ctx.sentenceStart(i) && NAMING_NOUNS.has(ctx.w(i)) && !ctx.isUsed(start));
  if (!lead || roleWord(ctx.w(start)) || TIME_WORDS.has(ctx.w(start))) return undefined;
  // After "the", any content word names the app ("the launch app", "the metrics app"), except an environment's.
  if (start === i - 1 && (FUNCTION_WORDS.has(ctx.w(start)) || ENV_STRONG.at(ctx.tokens, start)))
    return undefined;
  return nameRun(ctx, start, true)?.name;
}

const DESCRIBING = words("new whole entire same other");

/** A service role or framework word describes the app ("the web app", "a node app"); it does not name it. */
function roleWord(w: string): boolean {
  return SERVICE_NOUNS.hasWord(w) || FRAMEWORKS.hasWord(w) || DESCRIBING.has(w);
}

function dataWord(w: string): boolean {
  return DATA_NOUNS.hasWord(w);
}

/** The first token of the hyphenated run that ends at token i. */
function runStart(ctx: Ctx, i: number): number {
  let s = i;
  while (s > 0 && ctx.t(s)?.glue !== undefined && ctx.t(s)?.glue !== "" && ctx.t(s - 1)?.kind === "word") s--;
  return s;
}

/**
 * A name at token k: a hyphenated run ("field-notes", "orders-v2") or one word
 * that is not a function word; with `loose`, any content word ("called Launch").
 */
export function nameRun(ctx: Ctx, k: number, loose = false): { name: string; end: number } | undefined {
  const t = ctx.t(k);
  if (t === undefined || (t.kind !== "word" && t.kind !== "number")) return undefined;
  let end = k + 1;
  while (end < ctx.length) {
    const n = ctx.t(end);
    if (n === undefined || n.glue === undefined || n.kind === "punct" || n.glue === "/" || n.glue === "+")
      break;
    end++;
  }
  const hyphenated = end > k + 1;
  if (!hyphenated && !(loose ? contentWord(ctx, k) : isNameWord(ctx, k) || contentWord(ctx, k)))
    return undefined;
  const name = kebab(
    ctx.tokens
      .slice(k, end)
      .map((x) => x.text)
      .join("-"),
  );
  return name ? { name, end } : undefined;
}

function contentWord(ctx: Ctx, k: number): boolean {
  const t = ctx.t(k);
  if (t?.kind !== "word" || t.w.length < 2 || !/^[a-z][a-z0-9._]*$/.test(t.w)) return false;
  return !FUNCTION_WORDS.has(t.w);
}

const FUNCTION_WORDS = words(
  "a an the my our your their its this that it them we i you and or but with to from in into on at by for of as is are be it's all everything nothing something app application service last previous latest current first next",
);

/** Every run of words that could be an app's name, in order ("scale nc-web to 3" -> nc-web, ...): for looking up what runs. */
export function appCandidates(text: string): string[] {
  const tokens = tokenize(text.slice(0, 2000));
  const out = new Set<string>();
  for (let i = 0; i < tokens.length && out.size < 20; i++) {
    const t = tokens[i];
    if (t?.kind !== "word" || t.glue !== undefined || FUNCTION_WORDS.has(t.w)) continue;
    const run = gluedRun(tokens, i);
    const name = kebab(run.text);
    if (name.length >= 2) out.add(name);
  }
  return [...out];
}
