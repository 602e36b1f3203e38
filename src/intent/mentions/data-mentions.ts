/**
 * Data-service mentions: an engine or generic noun, then what follows it in
 * the same noun phrase: a version ("postgres 16", "version 8"), tail nouns
 * ("instance", "cluster", "bucket") and purpose names ("for uploads", "one
 * for orders and one for users").
 */
import type { Ctx } from "../tokens/context.js";
import type { PhraseHit } from "../tokens/phrases.js";
import { words } from "../tokens/phrases.js";
import { gluedRun } from "../tokens/tokenizer.js";
import { isNameWord, readName, STOPWORDS } from "../vocab/names.js";
import { DATA_NOUNS, type DataWord, ENGINE_TAILS } from "../vocab/vocab.js";
import type { DataMention } from "./mention-types.js";
import { nounAt } from "./nouns.js";

const NOT_AFTER_VERSION = words(
  "replica instance copy pod container node cpu core vcpu minute hour day week month time x second gb mb worker api",
);
const CONNECTORS = words("like such as e.g for example using via :");
const UPGRADE_VERBS = words("upgrade update bump move set pin change downgrade switch");

export function readDataMention(ctx: Ctx, hit: PhraseHit<DataWord>): DataMention {
  const v = hit.value;
  const m: DataMention = {
    type: "data",
    start: hit.start,
    end: hit.end,
    group: v.group,
    generic: v.engine === undefined,
    definite: false,
    fresh: false,
    names: [],
    ...(v.engine ? { engine: v.engine } : {}),
    ...(v.managed ? { managed: v.managed } : {}),
    ...(v.unsupported ? { unsupported: v.unsupported } : {}),
  };
  let end = hit.end;
  for (let guard = 0; guard < 6; guard++) {
    const next = absorb(ctx, m, end);
    if (next === undefined) break;
    end = next;
  }
  // "upgrade postgres to 16"
  if (m.version === undefined && ctx.w(end) === "to" && UPGRADE_VERBS.has(ctx.w(ctx.prevWord(m.start)))) {
    const ver = readVersion(ctx, end + 1);
    if (ver) {
      m.version = ver.value;
      end = ver.end;
    }
  }
  m.end = end;
  const purpose = readPurposes(ctx, end);
  if (purpose) {
    m.names = purpose.names;
    if (purpose.oneFor) m.oneFor = true;
    ctx.use(end, purpose.end);
    m.end = purpose.end;
  }
  return m;
}

/** One step of the noun phrase after the mention; the new end, or undefined when the phrase ends. */
function absorb(ctx: Ctx, m: DataMention, end: number): number | undefined {
  if (m.group !== "buckets" && m.version === undefined) {
    const ver = readVersion(ctx, end);
    if (ver) {
      m.version = ver.value;
      return ver.end;
    }
  }
  const next = nounAt(ctx, end);
  if (next?.kind === "data") {
    const n = next.hit.value;
    if (n.group === m.group && !(n.engine && m.engine && n.engine !== m.engine)) {
      if (n.engine) {
        m.engine = n.engine;
        m.generic = false;
      }
      if (n.managed) m.managed = n.managed;
      if (n.unsupported && !m.engine) m.unsupported = n.unsupported;
      return next.hit.end;
    }
    if (m.engine && n.engine === undefined && !n.managed) return next.hit.end;
    return undefined;
  }
  if (ENGINE_TAILS.has(ctx.w(end)) && !ctx.isUsed(end) && !(next && next.hit.end > end + 1)) return end + 1;
  // "a cache like redis", "a database such as mysql"
  if (m.generic && CONNECTORS.has(ctx.w(end))) {
    const k = ctx.w(end) === "such" || ctx.w(end) === "for" ? end + 2 : end + 1;
    const after = DATA_NOUNS.at(ctx.tokens, k);
    if (after?.value.engine && after.value.group === m.group) {
      m.engine = after.value.engine;
      m.generic = false;
      return after.end;
    }
  }
  return undefined;
}

/** "16", "8.0", "v16", "version 8" right after an engine. */
export function readVersion(ctx: Ctx, j: number): { value: string; end: number } | undefined {
  let k = j;
  const lead = ctx.w(k);
  if (lead === "version" || lead === "v" || lead === "ver" || lead === "release") k++;
  if (lead === "version" && ctx.w(k) === "of") return undefined;
  const t = ctx.t(k);
  if (t === undefined || ctx.isUsed(k)) return undefined;
  if (t.kind === "version") return { value: t.value ?? t.text, end: k + 1 };
  if (t.kind !== "number" || t.num === undefined || t.num >= 1000 || t.num < 0) return undefined;
  if (NOT_AFTER_VERSION.has(ctx.w(k + 1))) return undefined;
  if (k === j && t.glue === "-") return undefined;
  return { value: t.value ?? t.text, end: k + 1 };
}

/** "for uploads", "one for orders and one for users", "for orders and users". */
function readPurposes(ctx: Ctx, j: number): { names: string[]; end: number; oneFor: boolean } | undefined {
  const names: string[] = [];
  let oneFor = false;
  let k = j;
  const listed = ctx.w(k) === ":" || ctx.w(k) === "called" || ctx.w(k) === "named";
  if (listed && !["one", "for"].includes(ctx.w(k + 1))) {
    // "two databases: orders and users", "buckets called logs and media"
    const list = readNameList(ctx, k + 1);
    if (list) return { names: list.names, end: list.end, oneFor: list.names.length > 1 };
  }
  if (ctx.w(k) === "," || ctx.w(k) === ":") k++;
  for (let guard = 0; guard < 6; guard++) {
    let s = k;
    if (["one", "another", "other"].includes(ctx.w(s))) {
      s++;
      oneFor = true;
    } else if (ctx.w(s) === "the" && ctx.w(s + 1) === "other") s += 2;
    if (ctx.w(s) !== "for" && !(names.length > 0 && s === k)) break;
    if (ctx.w(s) === "for") s++;
    const name = purposeName(ctx, s, oneFor);
    if (name === undefined) break;
    names.push(name.name);
    k = name.end;
    if ([",", "and", "&"].includes(ctx.w(k))) {
      const after = ctx.w(k + 1) === "and" ? k + 2 : k + 1;
      if (["one", "another", "the", "for"].includes(ctx.w(after)) || isNameWord(ctx, after)) {
        k = after;
        continue;
      }
    }
    break;
  }
  return names.length > 0 ? { names, end: k, oneFor } : undefined;
}

const OWNER_NOUNS = words("app application project platform product team system stack");
/** Groups of people ("the marketing team"); not "users" or "customers", which a database holds. */
const PEOPLE = words("team teams people department staff folks company org organization everyone everybody");

/** The name a purpose gives ("for uploads"); after "one for", any content word will do ("one for jobs"). */
function purposeName(ctx: Ctx, j: number, relaxed = false): { name: string; end: number } | undefined {
  let k = j;
  if (["the", "our", "my", "all"].includes(ctx.w(k))) k++;
  if (ctx.t(k)?.text.toLowerCase().endsWith("ing") && isNameWord(ctx, k + 1)) k++;
  // "mysql for the marketing team": who it serves, not what it holds.
  if (PEOPLE.has(ctx.w(k)) || PEOPLE.has(ctx.w(k + 1))) return undefined;
  const t = ctx.t(k);
  const content =
    t?.kind === "word" && !ctx.isUsed(k) && !STOPWORDS.has(t.w) && /^[a-z][a-z0-9]*$/i.test(t.text);
  if (!isNameWord(ctx, k) && !(relaxed && content)) return undefined;
  // "mongo for the chat app": the app's name, not the database's purpose.
  if (OWNER_NOUNS.has(ctx.w(gluedRun(ctx.tokens, k).end))) return undefined;
  const parts = [ctx.t(k)?.text.toLowerCase() ?? ""];
  let end = k + 1;
  if (isNameWord(ctx, end) && ctx.w(end + 1) !== "and") {
    parts.push(ctx.t(end)?.text.toLowerCase() ?? "");
    end++;
  }
  return { name: parts.join("-"), end };
}

/** "orders and users", "logs, media and backups": names, each one word or a hyphenated run. */
export function readNameList(ctx: Ctx, j: number): { names: string[]; end: number } | undefined {
  const names: string[] = [];
  let k = j;
  for (let guard = 0; guard < 8; guard++) {
    const name = readName(ctx, k);
    if (!name || !isNameWord(ctx, k)) break;
    names.push(name.name);
    k = name.end;
    if (ctx.w(k) === "," && ctx.w(k + 1) === "and") k += 2;
    else if (ctx.w(k) === "," || ctx.w(k) === "and" || ctx.w(k) === "&") k++;
    else break;
  }
  if (names.length === 0) return undefined;
  // A trailing separator belongs to the sentence, not the list.
  while (k > j && [",", "and", "&"].includes(ctx.w(k - 1))) k--;
  return { names, end: k };
}
