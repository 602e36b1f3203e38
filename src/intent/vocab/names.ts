/**
 * Names: which words can be a person's name for something ("checkout",
 * "orders", "payments"), reading a name after "called"/"named", and turning
 * any text into a valid kebab-case name.
 */

import type { Ctx } from "../tokens/context.js";
import { words } from "../tokens/phrases.js";
import { APP_PHRASES } from "./apps.js";
import {
  BACKUP_CUES,
  DEPLOY_VERBS,
  ENV_STRONG,
  ENV_WEAK,
  EXPOSURE,
  HA_CUES,
  MONITORING_ON,
  TARGET_CUES,
  TLS_CUES,
} from "./cues.js";
import { FOREIGN_FUNCTION_WORDS } from "./languages.js";
import { DATA_NOUNS, FRAMEWORKS, SERVICE_NOUNS } from "./vocab.js";

/** Function words and everyday words that are never a component's name. */
export const STOPWORDS = words(`
  a an the my our your their its this that these those it them us we i you me he she they
  and or but nor so then also plus too as if when while where which who whom whose what why how
  of for with without to from in into on onto at by about over under between behind through via per
  is are be been being was were am do does did done have has had will would should could can may might must shall
  need needs want wants like please pls just only some any all every each both either neither no not none
  one two three four five six seven eight nine ten other another same new old more most less few many much
  up down out off here there now today tomorrow again still already very really quite
  deploy deploying deployed run running runs launch create set setup spin stand provision host hosted start ship put give add make
  install build bring roll release publish move switch bump increase decrease change upgrade update use using get configure
  called named name call enable enabled disable expose exposed sends send processes process handles handle serves serve
  sync syncs share shares uses listening listen listens reach reached reachable accessible access available
  version versions replica instance copy pod container node cpu core memory ram storage disk gb mb gib mib
  environment env region cloud cluster target budget limit month monthly day daily week weekly hour hourly minute
  thing stuff something everything anything nothing everyone anyone nobody someone
  main primary secondary simple small big large basic little tiny separate dedicated single shared managed extra additional
  second third first last previous latest current existing whole entire rest full complete proper real actual
  web api worker frontend backend app application service site website
  port domain image health check endpoint path env variable variables secret secrets
`);

/** Verbs that lead a request ("scale api to 5", "redeploy worker"): never a name. */
const VERBS = words(`
  scale rescale resize redeploy restart reboot stop migrate promote rollback revert undeploy teardown
  destroy delete remove drop scrap reduce raise lower double halve triple grow shrink boost
  calls talks depends forwards proxies connects relies reads writes consumes publishes subscribes queries
`);

const WORD_SETS = [STOPWORDS, VERBS, DEPLOY_VERBS, FOREIGN_FUNCTION_WORDS];
const WORD_TABLES = [
  SERVICE_NOUNS,
  FRAMEWORKS,
  DATA_NOUNS,
  APP_PHRASES,
  ENV_STRONG,
  ENV_WEAK,
  TARGET_CUES,
  MONITORING_ON,
  TLS_CUES,
  EXPOSURE,
  HA_CUES,
  BACKUP_CUES,
];

/**
 * Every word that the grammar gives a meaning of its own. Asked of each set
 * and table rather than of one union: building that union of ~1,500 words cost
 * every CLI run more than all the questions asked of it (issue 26).
 */
function known(w: string): boolean {
  return WORD_SETS.some((set) => set.has(w)) || WORD_TABLES.some((table) => table.hasWord(w));
}

/** A word that can name something: not a function word nor one of the grammar's own words. */
export function isNameWord(ctx: Ctx, i: number): boolean {
  const t = ctx.t(i);
  if (t === undefined || t.kind !== "word" || ctx.isUsed(i)) return false;
  if (t.w.length < 2 || !/^[a-z][a-z0-9._]*$/.test(t.w)) return false;
  return !known(t.w);
}

/** True when the word has a meaning in the grammar. */
export function isKnownWord(w: string): boolean {
  return known(w);
}

/** Reads a name at token j: one word or a hyphenated run ("order-api"), any word but function words. */
export function readName(ctx: Ctx, j: number): { name: string; end: number } | undefined {
  const t = ctx.t(j);
  if (t === undefined || (t.kind !== "word" && t.kind !== "number" && t.kind !== "domain")) return undefined;
  if (
    t.kind === "word" &&
    ["a", "an", "the", "it", "and", "or", "with", "to", "in", "on", "for", "using"].includes(t.w)
  ) {
    return undefined;
  }
  let text = t.kind === "domain" ? ((t.key ?? t.text).split(".")[0] ?? "") : t.text;
  let end = j + 1;
  while (end < ctx.length) {
    const n = ctx.t(end);
    if (n === undefined || n.glue === undefined || n.kind === "punct" || n.glue === "/") break;
    text += `-${n.text}`;
    end++;
  }
  const name = kebab(text);
  return name ? { name, end } : undefined;
}

/** Any text -> a kebab-case name of at most 63 characters, or "" when nothing usable is left. */
export function kebab(text: string): string {
  const ascii = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();
  return ascii
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63)
    .replace(/-+$/g, "");
}

/** `base`, or `base-2`, `base-3`... whichever is not taken. */
export function uniqueName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base.slice(0, 60)}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** "called checkout", "named search", "with the name media". */
export function readCalled(ctx: Ctx, j: number): { name: string; end: number } | undefined {
  let k = j;
  if (ctx.w(k) === "that" && ctx.w(k + 1) === "is") k += 2;
  if (ctx.w(k) === "with" && ctx.w(k + 1) === "the" && ctx.w(k + 2) === "name") k += 3;
  else if (ctx.w(k) === "with" && ctx.w(k + 1) === "name") k += 2;
  else if (["called", "named", "name", "aka"].includes(ctx.w(k))) k += 1;
  else return undefined;
  if (ctx.w(k) === ":" || ctx.w(k) === "as") k++;
  return readName(ctx, k);
}
