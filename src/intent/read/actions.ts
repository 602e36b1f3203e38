/**
 * The request's action from its first verb: deploy (the default), destroy
 * ("tear down", "delete everything"), rollback ("roll back", "undo the last
 * deploy"), status ("what is running", "show me") or scale. Removal verbs
 * aimed at parts of an existing spec ("remove the worker") are amendments,
 * decided by the builder, which knows the base.
 */
import type { Ctx } from "../tokens/context.js";
import { table, words } from "../tokens/phrases.js";
import { DEPLOY_VERBS } from "../vocab/cues.js";

export type ActionCue = "deploy" | "remove" | "rollback" | "status" | "scale";

export interface ActionReading {
  readonly cue: ActionCue;
  /** Where the verb is; for "remove", the words it governs run from `start` to `end`. */
  readonly start: number;
  readonly end: number;
  /** The words that say it ("is no longer needed"), when they are not at `start`: their negation is the verb's. */
  readonly verb?: { readonly start: number; readonly end: number };
}

const CUES = table<ActionCue>("actions.CUES", {
  "spin down|wind down|tear down|teardown|take down|destroy|nuke|wipe|wipe out|decommission|deprovision|uninstall|get rid of|delete|remove|drop|kill|terminate|shut down|shutdown|purge|clean up|cleanup|scrap|dismantle|undeploy|un deploy|unset":
    "remove",
  "roll back|rollback|revert|undo|go back|back out|roll it back|restore the previous|restore previous|downgrade to the previous":
    "rollback",
  "status|what is running|what is deployed|what runs|what is live|what is up|show|list|describe|how is|how are|check on|check the|tell me about|health of|what is the state|inspect":
    "status",
  "scale|scale up|scale down|scale out|scale in|resize": "scale",
});

/** Words that may come before the verb without being one. */
const FILLERS = words(
  "please can could would will you i we me us let just go ahead and hey hi hello ok okay so now kindly quickly also then need want like to yo team hmm right alright give tell",
);
const JOB_NOUNS = words("job task worker script cron cronjob process service");
const QUESTION_STARTS = words("what which how where is are does do any whats");
const STATUS_LEAD = words(
  "please can could would you i we me let just give tell get show the current a an what is are hey hi ok okay so now quickly kindly",
);

/** With a base: "the worker is no longer needed", "we don't need the cache anymore" remove a part. */
const NOT_NEEDED = table<true>("actions.NOT_NEEDED", {
  "not needed|no longer needed|not required|no longer required|not used|no longer used|not used anymore|not need|no longer need|not want|no longer want|obsolete": true,
});

export function findAction(ctx: Ctx): ActionReading {
  let question: number | undefined;
  for (let i = 0; i < ctx.length; i++) {
    const unneeded = ctx.amending ? NOT_NEEDED.at(ctx.tokens, i) : undefined;
    if (unneeded) {
      // The whole sentence is the removal's scope: its subject or object is what goes.
      const start = ctx.sentenceStart(i);
      return { cue: "remove", start, end: scopeEnd(ctx, start), verb: { start: i, end: unneeded.end } };
    }
    if (question !== undefined && !ctx.sameSentence(i, question))
      return { cue: "status", start: question, end: question + 1 };
    const hit = CUES.at(ctx.tokens, i) ?? splitVerb(ctx, i);
    if (hit) {
      // "a cleanup job", "the delete worker": a removal word naming a job is not a removal.
      const naming = hit.value === "remove" && JOB_NOUNS.has(ctx.w(hit.end));
      const ok =
        hit.value === "status" ? statusHere(ctx, hit.start, hit.end) : leads(ctx, hit.start) && !naming;
      if (ok)
        return {
          cue: hit.value,
          start: hit.start,
          end: hit.value === "remove" ? scopeEnd(ctx, hit.end) : hit.end,
        };
      i = hit.end - 1;
      continue;
    }
    const w = ctx.w(i);
    if (DEPLOY_VERBS.has(w) && !FILLERS.has(w) && !isNounUse(ctx, i))
      return { cue: "deploy", start: i, end: i + 1 };
    if (question === undefined && QUESTION_STARTS.has(w) && leads(ctx, i) && asks(ctx, i)) question = i;
  }
  if (question !== undefined) return { cue: "status", start: question, end: question + 1 };
  return { cue: "deploy", start: 0, end: 0 };
}

/** The first word of its sentence after fillers, or a verb joined to another ("..., then remove the worker"). */
function leads(ctx: Ctx, i: number): boolean {
  const s = ctx.sentenceStart(i);
  if (ctx.nextWord(s, FILLERS) >= i) return true;
  const prev = ctx.w(i - 1);
  return prev === "and" || prev === "then" || prev === "," || prev === "also" || prev === "to";
}

/** A status word leads its sentence ("status of the shop", "show me prod"); "a status page" is a product. */
function statusHere(ctx: Ctx, start: number, end: number): boolean {
  const after = ctx.w(end);
  if (["page", "dashboard", "endpoint", "code", "check", "bar"].includes(after)) return false;
  if (end - start > 1) return true;
  const s = ctx.sentenceStart(start);
  return (
    ctx.nextWord(s, STATUS_LEAD) >= start ||
    (ctx.w(start) === "status" && ["of", "for", "in"].includes(after))
  );
}

/** "the run", "a build", "the last acme-store deploy": nouns, not verbs. */
function isNounUse(ctx: Ctx, i: number): boolean {
  if (NOUN_LEADS.has(ctx.w(i - 1)) || ctx.w(i - 1) === "-") return true;
  // A name before the verb, itself after an article: "since the last acme-store deploy".
  let k = i - 1;
  while (k > 0 && ctx.t(k)?.glue !== undefined && ctx.t(k)?.kind === "word") k--;
  return k < i - 1 && NOUN_LEADS.has(ctx.w(k - 1));
}

const NOUN_LEADS = words("a an the my our last previous latest first");
/** Auxiliaries ask only in a sentence that ends with "?" ("We are building..." states). */
const AUXILIARIES = words("is are does do");

function asks(ctx: Ctx, i: number): boolean {
  if (!AUXILIARIES.has(ctx.w(i))) return true;
  let k = i;
  while (k < ctx.length && ctx.sameSentence(k, i)) k++;
  return ctx.w(k - 1) === "?";
}

/** The words a removal verb governs: to the end of its sentence, or up to the next verb. */
function scopeEnd(ctx: Ctx, from: number): number {
  let i = from;
  while (i < ctx.length && ctx.sameSentence(i, from)) {
    if (i > from && (ctx.w(i) === "and" || ctx.w(i) === ",") && DEPLOY_VERBS.has(ctx.w(i + 1))) break;
    i++;
  }
  return i;
}

/** "everything", "it all", "the whole thing", "the environment": a removal of the whole deployment. */
export const WHOLE_WORDS = words(
  "everything all it whole entire environment env stack deployment app application thing lot",
);

const SPLIT_VERBS: ReadonlyMap<string, { particle: string; cue: ActionCue }[]> = new Map([
  ["roll", [{ particle: "back", cue: "rollback" }]],
  ["tear", [{ particle: "down", cue: "remove" }]],
  ["take", [{ particle: "down", cue: "remove" }]],
  ["shut", [{ particle: "down", cue: "remove" }]],
  ["spin", [{ particle: "down", cue: "remove" }]],
  ["wind", [{ particle: "down", cue: "remove" }]],
  ["scale", [{ particle: "down", cue: "scale" }]],
]);

/** "roll the shop back", "tear staging down": a verb and its particle around the object. */
function splitVerb(ctx: Ctx, i: number): { value: ActionCue; start: number; end: number } | undefined {
  const forms = SPLIT_VERBS.get(ctx.w(i));
  if (forms === undefined) return undefined;
  for (let k = i + 1; k < Math.min(ctx.length, i + 6) && ctx.sameClause(i, k); k++) {
    const form = forms.find((f) => f.particle === ctx.w(k));
    if (form) return { value: form.cue, start: i, end: i + 1 };
  }
  return undefined;
}
