/**
 * Data mentions -> databases, caches, queues and buckets: one component per
 * thing named ("postgres" twice is one database), several for "two postgres
 * databases", and with a base spec the existing ones ("the database") or an
 * engine change ("switch the database to postgres").
 */

import type { DataMention } from "../mentions/mention-types.js";
import type { Ctx } from "../tokens/context.js";
import { kebab, uniqueName } from "../vocab/names.js";
import type { DataEngine, DataGroup } from "../vocab/vocab.js";
import { allNames, type DataEntity, DEFAULT_ENGINES, type Entities } from "./entities.js";

function newData(
  e: Entities,
  m: DataMention,
  name: string | undefined,
  engine: DataEngine | undefined,
): DataEntity {
  const base = name ?? engine ?? "bucket";
  const entity: DataEntity = {
    group: m.group,
    name: uniqueName(kebab(base) || "data", allNames(e)),
    mentions: [m],
    engineSaid: m.engine !== undefined,
    ...(engine ? { engine } : {}),
    ...(m.version ? { version: m.version } : {}),
    ...(m.unsupported ? { unsupported: m.unsupported } : {}),
  };
  e.data.push(entity);
  return entity;
}

function attachData(e: Entities, m: DataMention, target: DataEntity): DataEntity {
  target.mentions.push(m);
  if (m.engine && !target.engineSaid) {
    target.engine = m.engine;
    target.engineSaid = true;
    if (!target.base && target.name === DEFAULT_ENGINES[target.group as Exclude<DataGroup, "buckets">]) {
      target.name = uniqueName(m.engine, new Set([...allNames(e)].filter((n) => n !== target.name)));
    }
  }
  if (m.version) target.version = m.version;
  return target;
}

function resolveOneData(ctx: Ctx, e: Entities, m: DataMention, all: readonly DataMention[]): DataEntity[] {
  const live = e.data.filter((d) => !d.removed && d.group === m.group);
  // A count is a handful ("two postgres databases"); "8080 rabbitmq" is a port next to a noun.
  const said = m.count !== undefined && m.count >= 1 && m.count <= MAX_COPIES ? m.count : undefined;
  const count = said ?? (m.oneFor ? m.names.length : 1);
  if (m.generic && m.managed) {
    const engineMention = all.find((o) => o !== m && o.group === m.group && o.engine);
    const target = engineMention ? e.byMention.get(engineMention) : undefined;
    if (target && target.group !== "services") return [attachData(e, m, target)];
  }
  if (count > 1) {
    const made: DataEntity[] = [];
    for (let k = 0; k < count; k++) made.push(newData(e, m, m.names[k], m.engine ?? defaultEngine(m)));
    return made;
  }
  const named = m.names[0];
  if (m.engine) {
    const same = live.find((d) => d.engine === m.engine && (named === undefined || d.name === named));
    if (same && !m.fresh) return [attachData(e, m, same)];
    // "add a redis cache" to a spec that has one: adding what exists changes nothing, and says so.
    if (same?.base && !m.another && m.names.length === 0) {
      ctx.assume(
        `${same.name} is already there: nothing added (say "another ${same.engine}" to add a second one)`,
      );
      return [attachData(e, m, same)];
    }
    const open = live.find((d) => !d.engineSaid);
    if (open && !m.fresh && named === undefined) return [attachData(e, m, open)];
    return [newData(e, m, named, m.engine)];
  }
  const byName = named ? live.find((d) => d.name === named) : undefined;
  if (byName) return [attachData(e, m, byName)];
  if (live.length > 0 && !m.fresh && (m.definite || ctx.amending) && named === undefined) {
    return live.map((d) => attachData(e, m, d));
  }
  // "add a cache" to a spec that has one: nothing added, and said (not "another cache").
  const existing = live.filter((d) => d.base);
  if (ctx.amending && m.fresh && !m.another && named === undefined && existing.length > 0) {
    const names = existing.map((d) => d.name).join(", ");
    ctx.assume(
      `${names} is already there: nothing added (say "another ${GROUP_WORD[m.group]}" to add a second one)`,
    );
    return existing.map((d) => attachData(e, m, d));
  }
  return [newData(e, m, named, defaultEngine(m))];
}

function defaultEngine(m: DataMention): DataEngine | undefined {
  return m.group === "buckets" ? undefined : DEFAULT_ENGINES[m.group];
}

const GROUP_WORD: Record<DataGroup, string> = {
  databases: "database",
  caches: "cache",
  queues: "queue",
  buckets: "bucket",
};

const MAX_COPIES = 10;

export function resolveData(ctx: Ctx, e: Entities, mentions: readonly DataMention[]): void {
  const swaps = ctx.amending ? engineSwaps(ctx, mentions) : new Map<DataMention, DataMention>();
  const direct = ctx.amending ? impliedSwaps(ctx, e, mentions, swaps) : new Map<DataMention, DataEntity>();
  // Engines first, so that "RDS" or "the database" find the postgres named elsewhere.
  const ordered = [...mentions].sort(
    (a, b) => Number(a.engine === undefined) - Number(b.engine === undefined),
  );
  for (const m of ordered) {
    if (swaps.has(m) || direct.has(m)) continue;
    if (m.unsupported && !m.engine) {
      const fallback = m.group === "buckets" ? "a bucket" : DEFAULT_ENGINES[m.group];
      ctx.ask(
        `${m.unsupported} is not a ${GROUP_WORD[m.group]} engine supported here: should it be ${fallback} instead?`,
      );
      continue;
    }
    const as = m.generic ? alias(ctx, e, m, mentions) : undefined;
    if (as) {
      e.byMention.set(m, as);
      as.mentions.push(m);
      continue;
    }
    const targets = resolveOneData(ctx, e, m, mentions);
    const first = targets[0];
    if (first) e.byMention.set(m, first);
    for (const extra of targets.slice(1)) if (!extra.mentions.includes(m)) extra.mentions.push(m);
  }
  const pairs = [...swaps].map(([to, from]) => [to, e.byMention.get(from)] as const);
  for (const [to, target] of [...pairs, ...direct]) {
    if (target === undefined || target.group === "services" || target.group !== to.group || !to.engine)
      continue;
    const d = target;
    ctx.assume(`${d.name}: engine ${d.engine} -> ${to.engine}`);
    if (d.name === d.engine) {
      d.renamedFrom = d.name;
      d.name = uniqueName(to.engine, allNames(e));
    }
    d.engine = to.engine;
    d.engineSaid = true;
    if (to.version) d.version = to.version;
    else delete d.version;
    e.byMention.set(to, d);
  }
}

const SWAP_VERBS = new Set(["switch", "change", "migrate", "move", "convert", "replace", "swap"]);

/** "switch the database to postgres", "replace redis with valkey": the second names a new engine for the first. */
function engineSwaps(ctx: Ctx, mentions: readonly DataMention[]): Map<DataMention, DataMention> {
  const swaps = new Map<DataMention, DataMention>();
  for (const from of mentions) {
    const verb = ctx.w(ctx.prevWord(from.start));
    const fromVerb = ctx.w(from.start - 1) === "from" && SWAP_VERBS.has(ctx.w(ctx.prevWord(from.start - 1)));
    if (!SWAP_VERBS.has(verb) && !fromVerb) continue;
    if (!["to", "into", "with", "for"].includes(ctx.w(from.end))) continue;
    const to = mentions.find(
      (m) => m.start > from.end && m.start <= from.end + 3 && m.group === from.group && m.engine,
    );
    if (to && to.engine !== from.engine) swaps.set(to, from);
  }
  // "use mysql instead of postgres"
  for (const to of mentions) {
    if (ctx.w(to.end) !== "instead" || ctx.w(to.end + 1) !== "of" || !to.engine) continue;
    const from = mentions.find((m) => m.start >= to.end + 2 && m.start <= to.end + 3 && m.group === to.group);
    if (from && from.engine !== to.engine) swaps.set(to, from);
  }
  return swaps;
}

/** "switch to postgres", "migrate to mariadb 11": the one existing database (cache, queue) gets the new engine. */
function impliedSwaps(
  ctx: Ctx,
  e: Entities,
  mentions: readonly DataMention[],
  swaps: ReadonlyMap<DataMention, DataMention>,
): Map<DataMention, DataEntity> {
  const direct = new Map<DataMention, DataEntity>();
  const taken = new Set(swaps.values());
  for (const m of mentions) {
    if (swaps.has(m) || taken.has(m) || !m.engine || m.fresh) continue;
    const to = ctx.prevWord(m.start);
    if (ctx.w(to) !== "to" || !SWAP_VERBS.has(ctx.w(ctx.prevWord(to, SWAP_OBJECTS)))) continue;
    const existing = e.data.filter((d) => !d.removed && d.base && d.group === m.group);
    const only = existing[0];
    if (existing.length === 1 && only && only.engine !== m.engine) direct.set(m, only);
  }
  return direct;
}

const SWAP_OBJECTS = new Set(["the", "it", "over", "everything", "all", "a", "an", "our", "my"]);

/** "redis:7 as a cache": a generic noun after "as" is the thing just named, not a new one. */
function alias(
  ctx: Ctx,
  e: Entities,
  m: DataMention,
  mentions: readonly DataMention[],
): DataEntity | undefined {
  if (ctx.w(ctx.prevWord(m.start)) !== "as") return undefined;
  const before = mentions.filter(
    (o) => o !== m && o.end <= m.start && o.group === m.group && ctx.sameSentence(o.start, m.start),
  );
  const last = before[before.length - 1];
  const target = last ? e.byMention.get(last) : undefined;
  return target && target.group !== "services" ? target : undefined;
}
