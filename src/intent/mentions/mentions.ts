/**
 * Finds the components a request talks about: services (by role, framework,
 * well-known app, image or name) and data services (databases, caches,
 * queues, buckets with engine, version, count and names). At each position
 * the longest phrase of any table wins ("queue worker" is a worker, "job
 * queue" a queue).
 */
import { ARTICLES, type Ctx } from "../tokens/context.js";
import { readNumber } from "../tokens/numbers.js";
import { type PhraseHit, words } from "../tokens/phrases.js";
import { BACKUP_CUES, HA_CUES } from "../vocab/cues.js";
import { isNameWord, readCalled, STOPWORDS } from "../vocab/names.js";
import { DATA_NOUNS, FRAMEWORKS, NOUN_ADJECTIVES, type Role } from "../vocab/vocab.js";
import { readDataMention, readNameList } from "./data-mentions.js";
import { imageMention } from "./images.js";
import type { Mention, ServiceMention, ServiceRole } from "./mention-types.js";
import { nounAt } from "./nouns.js";

export const PRODUCT_NOUNS = words(
  "shop store webshop eshop storefront blog forum wiki crm cms erp portal marketplace intranet helpdesk ecommerce newsletter",
);
const SERVICE_TAILS = words("service server app application instance process container deployment daemon");
const NAMING_NOUNS = words("service microservice");
const APP_NOUNS = words("app application program bot server");
export const LIKE_SUFFIX = words("like compatible style alike esque ish");
const FRESH_WORDS = words("another new second third additional extra separate more");
const ADD_VERBS = words("add adding include attach plus");
/** Apps that are also monitoring words: a service only when they are what is deployed. */
const MONITORING_APPS = words("prometheus grafana loki jaeger");
const DEPLOY_WORDS = words("deploy launch run host start create build");

/** Weak nouns that, said as "a X <noun>" beside other components, are one more component ("a tile server"). */
const PART_NOUNS = words("server bot");

/** "an api and a tile server": the weak "a tile server" is a part of its own, not the app. */
export function isSeparatePart(m: Mention, all: readonly Mention[]): boolean {
  if (m.type !== "service" || !m.weak || m.definite || !m.appName || !PART_NOUNS.has(m.noun ?? ""))
    return false;
  return all.some((o) => o.type === "service" && !o.weak);
}

export function findMentions(ctx: Ctx): Mention[] {
  const out: Mention[] = [];
  const hasBucketWord = ctx.tokens.some(
    (t, i) => DATA_NOUNS.at(ctx.tokens, i)?.value.group === "buckets" && t.w !== "minio",
  );
  for (let i = 0; i < ctx.length; i++) {
    if (ctx.isUsed(i)) continue;
    const m = mentionAt(ctx, i, hasBucketWord, out);
    if (m) {
      decorate(ctx, m);
      ctx.use(m.start, m.end);
      out.push(m);
      i = m.end - 1;
    }
  }
  return out;
}

function mentionAt(
  ctx: Ctx,
  i: number,
  hasBucketWord: boolean,
  before: readonly Mention[],
): Mention | undefined {
  const t = ctx.t(i);
  if (t?.kind === "image") return imageMention(ctx, i);
  if (t?.kind !== "word") return undefined;
  const pick = nounAt(ctx, i);
  if (pick === undefined) return productMention(ctx, i);
  // "processes jobs from redis": a plural "jobs" with no count is work, not a service.
  if (
    pick.kind === "service" &&
    pick.hit.value === "job" &&
    /s$/i.test(ctx.t(pick.hit.end - 1)?.text ?? "")
  ) {
    if (!readNumberEndingAt(ctx, ctx.prevWord(i, NOUN_ADJECTIVES))) return undefined;
  }
  if (LIKE_SUFFIX.has(ctx.w(pick.hit.end)) && ctx.t(pick.hit.end)?.glue !== undefined) {
    ctx.use(pick.hit.start, pick.hit.end + 1);
    return undefined;
  }
  switch (pick.kind) {
    case "data":
      return readDataMention(ctx, pick.hit);
    case "app":
      return appMention(ctx, pick.hit, hasBucketWord, before);
    case "service":
      return serviceNoun(ctx, pick.hit.start, pick.hit.end, pick.hit.value, pick.hit.start);
    case "framework":
      return frameworkMention(ctx, pick.hit);
  }
}

function service(
  start: number,
  end: number,
  role: ServiceRole,
  extra: Partial<ServiceMention> = {},
): ServiceMention {
  return { type: "service", start, end, role, weak: false, definite: false, fresh: false, ...extra };
}

/** A service noun at [start, end); `from` is where its modifiers begin. */
function serviceNoun(ctx: Ctx, start: number, end: number, role: Role, from: number): ServiceMention {
  // "a job consumer", "a cron worker": two service nouns in a row are one service, named by the last.
  const listed = ["/", "+", "&"].includes(ctx.t(end)?.glue ?? "");
  const head = role === "weak" || listed ? undefined : nounAt(ctx, end);
  if (head?.kind === "service" && head.hit.value !== "weak" && head.hit.value !== "proxy") {
    return serviceNoun(ctx, head.hit.start, head.hit.end, head.hit.value, from);
  }
  let stop = end;
  while (SERVICE_TAILS.has(ctx.w(stop)) && !ctx.isUsed(stop) && role !== "weak") stop++;
  const prev = from - 1;
  const named = isNameWord(ctx, prev) || PRODUCT_NOUNS.has(ctx.w(prev));
  const prevName = named ? ctx.tokens[prev]?.text.toLowerCase() : undefined;
  const article = ctx.w(ctx.prevWord(prevName ? prev : from, NOUN_ADJECTIVES));
  const definite = ARTICLES.has(article) && article !== "a" && article !== "an";
  if (role === "weak") {
    const noun = ctx.w(start);
    if (NAMING_NOUNS.has(noun) && prevName) return service(prev, stop, "named", { name: prevName, definite });
    // "service checkout, image ...": a name right after the noun.
    if (
      NAMING_NOUNS.has(noun) &&
      isNameWord(ctx, stop) &&
      (stop + 1 >= ctx.length || NAME_ENDS.has(ctx.w(stop + 1)))
    ) {
      const name = ctx.tokens[stop]?.text.toLowerCase() ?? "";
      return service(from, stop + 1, "named", { name, definite });
    }
    if (APP_NOUNS.has(noun) && prevName) {
      return service(prev, stop, "app", { weak: true, appName: prevName, definite, noun });
    }
    return service(from, stop, "app", { weak: true, definite, noun });
  }
  const purpose = prevName ?? (isPurposeWord(ctx, prev) ? ctx.tokens[prev]?.text.toLowerCase() : undefined);
  if ((role === "job" || role === "cron") && purpose) {
    return service(prev, stop, role, { purpose, definite });
  }
  // "the payments api", "payments api in prod" (not "an orders api": that one names nothing).
  const appName =
    prevName && (definite || (role === "api" && article !== "a" && article !== "an")) ? prevName : undefined;
  return service(appName ? prev : from, stop, role, { ...(appName ? { appName } : {}), definite });
}

/** Words that may follow a name ("service checkout, image ...", "service search on port 80"). */
const NAME_ENDS = words(", . ; : on in with using at to for from image and listening running");

function frameworkMention(ctx: Ctx, hit: PhraseHit<Role | "modifier">): ServiceMention | undefined {
  // Modifiers chain ("a dockerized node.js api"): find the noun they modify.
  let j = hit.end;
  while (j < ctx.length && j < hit.end + 4) {
    const next = nounAt(ctx, j);
    if (next?.kind === "framework") {
      j = next.hit.end;
      continue;
    }
    if (next?.kind === "service") {
      const role =
        next.hit.value === "weak" ? (hit.value === "modifier" ? "web" : hit.value) : next.hit.value;
      const m = serviceNoun(ctx, next.hit.start, next.hit.end, role, hit.start);
      return { ...m, weak: false };
    }
    if (NOUN_ADJECTIVES.has(ctx.w(j))) {
      j++;
      continue;
    }
    break;
  }
  if (hit.value === "modifier") return undefined;
  return service(hit.start, hit.end, hit.value === "weak" ? "web" : hit.value);
}

function appMention(
  ctx: Ctx,
  hit: PhraseHit<string>,
  hasBucketWord: boolean,
  before: readonly Mention[],
): ServiceMention | undefined {
  const key = hit.value;
  if (key === "minio" && (hasBucketWord || DATA_NOUNS.at(ctx.tokens, hit.end)?.value.group === "buckets"))
    return undefined;
  if (MONITORING_APPS.has(key) && !deployedApp(ctx, hit, before)) {
    // "with grafana dashboards": a monitoring wish (read later), not a service.
    ctx.use(hit.start, ctx.w(hit.end) === "dashboard" ? hit.end + 1 : hit.end);
    return undefined;
  }
  let end = hit.end;
  let role: ServiceRole = "app";
  const next = nounAt(ctx, end);
  if (next?.kind === "service" && next.hit.value !== "weak") {
    role = next.hit.value === "proxy" ? "app" : next.hit.value;
    end = next.hit.end;
  } else if (next?.kind === "service" || PRODUCT_NOUNS.has(ctx.w(end))) {
    end = next?.hit.end ?? end + 1;
  }
  while (SERVICE_TAILS.has(ctx.w(end))) end++;
  // "nginx as a reverse proxy": one service.
  if (ctx.w(end) === "as") {
    const k = ["a", "an", "the", "our", "my"].includes(ctx.w(end + 1)) ? end + 2 : end + 1;
    const as = nounAt(ctx, k);
    if (as?.kind === "service") {
      if (as.hit.value !== "weak" && as.hit.value !== "proxy") role = as.hit.value;
      end = as.hit.end;
    }
  }
  return service(hit.start, end, role, { app: key });
}

/** "deploy prometheus", "grafana and prometheus" (an app), not "with prometheus monitoring" (a cue). */
function deployedApp(ctx: Ctx, hit: PhraseHit<string>, before: readonly Mention[]): boolean {
  const after = ctx.w(hit.end);
  if (MONITORING_WORDS.has(after)) return false;
  if (["server", "instance", "service", "app", "container"].includes(after)) return true;
  const p = ctx.prevWord(hit.start);
  const prev = ctx.w(p);
  if (prev === "and" || prev === ",") {
    // Listed right after another component ("postgres and grafana"): deployed like it.
    const last = before[before.length - 1];
    return last !== undefined && last.end >= p - 1;
  }
  // "with grafana and a time-series database": the first of a list of components.
  if (listedBeforeComponent(ctx, hit.end)) return true;
  return !["with", "using", "via", "plus", "for", "by", "through"].includes(prev);
}

const LIST_WORDS = new Set(["and", ",", "+", "&"]);

/** True when a list joiner and then a component noun follow ("grafana, redis", "grafana and a queue"). */
function listedBeforeComponent(ctx: Ctx, end: number): boolean {
  if (!LIST_WORDS.has(ctx.w(end)) && !LIST_WORDS.has(ctx.t(end)?.text ?? "")) return false;
  for (let k = end + 1; k < Math.min(ctx.length, end + 6); k++) {
    if (nounAt(ctx, k) !== undefined) return true;
    if (ctx.t(k)?.kind !== "word" || MONITORING_WORDS.has(ctx.w(k))) return false;
  }
  return false;
}

const MONITORING_WORDS = new Set(["monitoring", "metric", "metrics", "alerting", "dashboard", "scraping"]);

const PRODUCT_ADJECTIVES = words("online small simple new little personal company static");

/** "the shop", "my blog", "an online store", "a ghost blog": an unnamed app that names the spec. */
function productMention(ctx: Ctx, i: number): ServiceMention | undefined {
  const noun = ctx.w(i);
  if (!PRODUCT_NOUNS.has(noun)) return undefined;
  const p = ctx.prevWord(i, PRODUCT_ADJECTIVES);
  const prev = ctx.w(p);
  const introduced = ARTICLES.has(prev) || prev === "a" || p < 0 || DEPLOY_WORDS.has(prev);
  if (!introduced) return undefined;
  return service(i, i + 1, "app", { weak: true, appName: noun, definite: prev !== "a" && prev !== "an" });
}

/** Count, article, freshness and an explicit name ("called X") around a mention. */
function decorate(ctx: Ctx, m: Mention): void {
  let j = m.start - 1;
  for (let steps = 0; j >= 0 && steps < 5; steps++) {
    const w = ctx.w(j);
    if (FRESH_WORDS.has(w) || ADD_VERBS.has(w)) m.fresh = true;
    if (FRESH_WORDS.has(w)) m.another = true;
    // "1x API", "3x workers"
    const num = readNumberEndingAt(ctx, w === "x" && ctx.t(j)?.glue === "" ? j - 1 : j);
    if (num !== undefined) {
      const plausible = Number.isInteger(num.value) && num.value <= 100;
      if ((num.value !== 1 || w === "one" || w === "x") && plausible) m.count = num.value;
      break;
    }
    if (ARTICLES.has(w)) {
      m.definite = !["a", "an"].includes(w);
      const before = ctx.w(j - 1);
      if (ADD_VERBS.has(before) || FRESH_WORDS.has(before)) m.fresh = true;
      if (FRESH_WORDS.has(before)) m.another = true;
      break;
    }
    if (!NOUN_ADJECTIVES.has(w) && !FRAMEWORKS.at(ctx.tokens, j) && !ADD_VERBS.has(w)) break;
    j--;
  }
  // "add postgres read replicas", "add redis HA": a setting of the one there is, not a new one.
  if (m.type === "data" && (HA_CUES.at(ctx.tokens, m.end) || BACKUP_CUES.at(ctx.tokens, m.end)))
    m.fresh = false;
  if (m.type === "service" && (m.count ?? 0) > 1 && nameList(ctx, m)) return;
  const named = readCalled(ctx, m.end);
  if (named) {
    if (m.type === "service" && m.weak && APP_NOUNS.has(m.noun ?? "")) m.appName = named.name;
    else if (m.type === "service") {
      m.name = named.name;
      if (m.role === "app" && m.weak && !m.app) m.role = "named";
      m.weak = false;
    } else m.names = [named.name];
    ctx.use(m.end, named.end);
    m.end = named.end;
  }
}

/** "two APIs: billing and accounts": one service per name, not replicas. */
function nameList(ctx: Ctx, m: ServiceMention): boolean {
  const lead = ctx.w(m.end);
  if (lead !== ":" && lead !== "called" && lead !== "named") return false;
  const list = readNameList(ctx, m.end + 1);
  if (!list || list.names.length < 2) return false;
  m.names = list.names;
  delete m.count;
  ctx.use(m.end, list.end);
  m.end = list.end;
  return true;
}

function readNumberEndingAt(ctx: Ctx, j: number): { value: number } | undefined {
  for (let start = Math.max(0, j - 2); start <= j; start++) {
    const n = readNumber(ctx.tokens, start);
    if (n && n.end === j + 1 && !ctx.isUsed(start)) return n;
  }
  return undefined;
}

/** "a backup job", "the cleanup task": a content word before a job noun says what it does. */
function isPurposeWord(ctx: Ctx, i: number): boolean {
  const t = ctx.t(i);
  if (t?.kind !== "word" || ctx.isUsed(i) || STOPWORDS.has(t.w) || nounAt(ctx, i) !== undefined) return false;
  return /^[a-z][a-z0-9]+$/i.test(t.text) && !NOUN_ADJECTIVES.has(t.w) && !ARTICLES.has(t.w);
}
