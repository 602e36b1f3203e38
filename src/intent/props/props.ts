/**
 * Property phrases that attach to one component: ports, CPU, memory and
 * storage sizes, domains and URLs, TLS, health-check paths, env assignments,
 * exposure (public/private), high availability, backups and schedules.
 */

import type { Prop, PropValue } from "../mentions/mention-types.js";
import { negatedVerbBefore } from "../mentions/negation.js";
import type { Ctx } from "../tokens/context.js";
import { readNumber } from "../tokens/numbers.js";
import { type PhraseTable, words } from "../tokens/phrases.js";
import { sizeUnitOf, type Token } from "../tokens/tokenizer.js";
import { BACKUP_CUES, EXPOSURE, HA_CUES, negatedAfter, negatedBefore, TLS_CUES } from "../vocab/cues.js";
import { findSchedules } from "./cron.js";
import { memoryOf, readCpu, readCpuAfterNoun, storageGbOf } from "./units.js";

const prop = (start: number, end: number, value: PropValue, extra: Partial<Prop> = {}): Prop => ({
  start,
  end,
  value,
  ...extra,
});

/** Schedules first: "every night at 2am" must not feed other passes; "daily backups" is a backup policy. */
export function findScheduleProps(ctx: Ctx): Prop[] {
  const props: Prop[] = [];
  for (const hit of findSchedules(ctx.tokens, ctx.skipUsed)) {
    const backupAfter =
      isBackupWord(ctx, hit.end) || (ctx.w(hit.end) === "and" && isBackupWord(ctx, hit.end + 1));
    const backupBefore = isBackupWord(ctx, hit.start - 1) || ctx.w(hit.start - 1) === "up";
    if (backupAfter || backupBefore) {
      ctx.use(hit.start, hit.end);
      const schedule = { cron: hit.cron, detail: hit.detail, notes: hit.assumptions };
      props.push(prop(hit.start, hit.end, { kind: "backups", on: true, schedule }));
      continue;
    }
    if (!hit.weak) ctx.use(hit.start, hit.end);
    props.push(
      prop(hit.start, hit.end, {
        kind: "schedule",
        cron: hit.cron,
        weak: hit.weak,
        detail: hit.detail,
        notes: hit.assumptions,
      }),
    );
  }
  return props;
}

const JOB_NOUNS = words("job task cron cronjob script worker service container");
function isBackupWord(ctx: Ctx, i: number): boolean {
  const w = ctx.w(i);
  return (w === "backup" || w === "snapshot") && !JOB_NOUNS.has(ctx.w(i + 1));
}

/** Env assignments (KEY=value, "set LOG_LEVEL to debug"), URLs and domains: tokens with a shape of their own. */
export function findShapedProps(ctx: Ctx): Prop[] {
  const props: Prop[] = [];
  for (let i = 0; i < ctx.length; i++) {
    const t = ctx.t(i);
    if (t === undefined || ctx.isUsed(i)) continue;
    if (t.kind === "env" && t.key !== undefined) {
      const key = t.key.toLowerCase();
      const n = Number(t.value);
      if (key === "port" && Number.isInteger(n) && n >= 1 && n <= 65535)
        props.push(prop(i, i + 1, { kind: "port", value: n }));
      else if (key === "replicas" && Number.isInteger(n) && n >= 0)
        props.push(prop(i, i + 1, { kind: "replicas", value: n }));
      else props.push(prop(i, i + 1, { kind: "env", key: t.key, value: t.value ?? "" }));
      ctx.use(i);
    } else if (t.kind === "url" && t.key) {
      const port = /:(\d{1,5})(?:\/|$)/.exec(t.text.replace(/^[a-z]+:\/\//i, ""))?.[1];
      if (/^(localhost|127\.0\.0\.1|0\.0\.0\.0)$/.test(t.key)) {
        if (port) props.push(prop(i, i + 1, { kind: "port", value: Number(port) }));
      } else if (t.key.includes("."))
        props.push(prop(i, i + 1, { kind: "domain", host: t.key, secure: t.secure === true }));
      ctx.use(i);
    } else if (t.kind === "domain" && t.key && !["image", "registry", "from"].includes(ctx.w(i - 1))) {
      props.push(prop(i, i + 1, { kind: "domain", host: t.key }));
      ctx.use(i);
    } else if (t.kind === "word" && /^[A-Z][A-Z0-9]*_[A-Z0-9_]+$/.test(t.text)) {
      const sep = ctx.w(i + 1);
      const v = ctx.t(i + 2);
      if ((sep === "to" || sep === "=" || sep === ":" || sep === "as") && v && v.kind !== "punct") {
        props.push(
          prop(i, i + 3, {
            kind: "env",
            key: t.text,
            value: v.kind === "url" || v.kind === "domain" ? v.text : v.text,
          }),
        );
        ctx.use(i, i + 3);
      }
    }
  }
  return props;
}

const PORT_VERBS = words(
  "listen listening listens expose exposed exposes exposing serve serves serving served bind binds bound binding",
);
const NOT_PORT_AFTER = words(
  "replica instance copy pod container node cpu core vcpu gb mb minute hour day second user request",
);

export function findPorts(ctx: Ctx): Prop[] {
  const props: Prop[] = [];
  for (let i = 0; i < ctx.length; i++) {
    if (ctx.isUsed(i)) continue;
    const t = ctx.t(i);
    const hit = t?.kind === "port" && t.num !== undefined ? { value: t.num, end: i + 1 } : portPhrase(ctx, i);
    if (hit === undefined) continue;
    ctx.use(i, hit.end);
    if (hit.value >= 1 && hit.value <= 65535)
      props.push(prop(i, hit.end, { kind: "port", value: hit.value }));
    else ctx.ask(`port ${hit.value} is not a valid port (1-65535): which port should it listen on?`);
    i = hit.end - 1;
  }
  return props;
}

function portPhrase(ctx: Ctx, i: number): { value: number; end: number } | undefined {
  const w = ctx.w(i);
  let j: number;
  if (w === "port") {
    j = i + 1;
    while ([":", "=", "number", "of", "is", "to", "no"].includes(ctx.w(j)) && j < i + 4) j++;
  } else if (PORT_VERBS.has(w)) {
    j = i + 1;
    if (["on", "at", "to"].includes(ctx.w(j))) j++;
    if (ctx.w(j) === "port") j++;
  } else if ((w === "on" || w === "at") && ctx.w(i - 1) !== "every") {
    j = i + 1;
    const t = ctx.t(j);
    if (t?.kind !== "number" || (t.num ?? 0) < 80) return undefined;
  } else return undefined;
  const t = ctx.t(j);
  if (t?.kind !== "number" || t.num === undefined || ctx.isUsed(j)) return undefined;
  if (!Number.isInteger(t.num) || NOT_PORT_AFTER.has(ctx.w(j + 1))) return undefined;
  return { value: t.num, end: j + 1 };
}

export function findCpu(ctx: Ctx): Prop[] {
  const props: Prop[] = [];
  for (let i = 0; i < ctx.length; i++) {
    if (ctx.isUsed(i)) continue;
    const hit = readCpu(ctx.tokens, i) ?? readCpuAfterNoun(ctx.tokens, i);
    if (hit && !ctx.anyUsed(hit.start, hit.end)) {
      ctx.use(hit.start, hit.end);
      props.push(prop(hit.start, hit.end, { kind: "cpu", value: hit.cpu }));
      i = hit.end - 1;
    }
  }
  return props;
}

const MEMORY_WORDS = words("memory ram mem heap");
const STORAGE_WORDS = words("storage disk volume space ssd hdd persistent capacity");
const SIZE_SKIP = words("of with : = to at least for more extra additional");

/** Sizes: memory or storage by the words around them; undecided sizes let the builder choose by component. */
export function findSizes(ctx: Ctx, cpuProps: readonly Prop[]): Prop[] {
  const props: Prop[] = [];
  for (let i = 0; i < ctx.length; i++) {
    const size = sizeAt(ctx, i);
    if (size === undefined) continue;
    const memory = memoryOf(size.token);
    const gb = storageGbOf(size.token);
    if (memory === undefined || gb === undefined) continue;
    const last = size.end - 1;
    const role = sizeRole(ctx, last);
    const end = role.wordAt !== undefined && role.wordAt > last ? role.wordAt + 1 : size.end;
    ctx.use(i, end);
    if (role.word === "memory") props.push(prop(i, end, { kind: "memory", value: memory }));
    else if (role.word === "storage") {
      // "20 GB more storage", "another 20GB of disk": on top of what there is.
      const more = ["more", "extra", "additional"].includes(ctx.w(last + 1)) || ctx.w(i - 1) === "another";
      props.push(prop(i, end, { kind: "storage", gb, ...(more ? { relative: "add" as const } : {}) }));
    } else if (cpuProps.some((c) => ctx.sameClause(c.start, i)))
      props.push(prop(i, end, { kind: "memory", value: memory }));
    else props.push(prop(i, end, { kind: "size", memory, gb }, { adjective: true }));
    i = end - 1;
  }
  return props;
}

/** A size token, or a number in words and a size unit ("four gigabytes"). */
function sizeAt(ctx: Ctx, i: number): { token: Token; end: number } | undefined {
  const t = ctx.t(i);
  if (t === undefined || ctx.isUsed(i)) return undefined;
  if (t.kind === "size") return { token: t, end: i + 1 };
  if (t.kind !== "word") return undefined;
  const n = readNumber(ctx.tokens, i);
  if (!n || n.digits) return undefined;
  const unit = sizeUnitOf(ctx.w(n.end));
  if (!unit || ctx.isUsed(n.end)) return undefined;
  return { token: { kind: "size", text: `${n.value}${unit}`, w: "", num: n.value, unit }, end: n.end + 1 };
}

function sizeRole(ctx: Ctx, i: number): { word?: "memory" | "storage"; wordAt?: number } {
  let j = i + 1;
  while (SIZE_SKIP.has(ctx.w(j)) && j < i + 3) j++;
  if (MEMORY_WORDS.has(ctx.w(j))) return { word: "memory", wordAt: j };
  if (STORAGE_WORDS.has(ctx.w(j))) return { word: "storage", wordAt: j };
  let k = i - 1;
  while (SIZE_SKIP.has(ctx.w(k)) && k > i - 4) k--;
  if (MEMORY_WORDS.has(ctx.w(k))) return { word: "memory" };
  if (STORAGE_WORDS.has(ctx.w(k))) return { word: "storage" };
  return {};
}

const HEALTH_WORDS = words("health healthcheck healthz liveness readiness probe ping heartbeat");
const HEALTH_PATH =
  /^\/(health|healthz|healthcheck|health-check|ready|readyz|readiness|live|livez|liveness|ping|status|_health|api\/health|hc)\b/i;

export function findHealth(ctx: Ctx): Prop[] {
  const props: Prop[] = [];
  for (let i = 0; i < ctx.length; i++) {
    const t = ctx.t(i);
    if (t?.kind !== "path" || ctx.isUsed(i)) continue;
    let near = HEALTH_PATH.test(t.text);
    for (let k = Math.max(0, i - 6); k < i && !near; k++) if (HEALTH_WORDS.has(ctx.w(k))) near = true;
    if (!near) continue;
    ctx.use(i);
    props.push(prop(i, i + 1, { kind: "health", path: t.text }));
  }
  return props;
}

/** "version 14" apart from its engine ("Postgres, version 14"): a version for the nearest data service. */
export function findVersions(ctx: Ctx): Prop[] {
  const props: Prop[] = [];
  for (let i = 0; i < ctx.length; i++) {
    if (ctx.isUsed(i) || (ctx.w(i) !== "version" && ctx.w(i) !== "v")) continue;
    const t = ctx.t(i + 1);
    if ((t?.kind === "number" || t?.kind === "version") && !ctx.isUsed(i + 1)) {
      ctx.use(i, i + 2);
      props.push(prop(i, i + 2, { kind: "version", value: t.value ?? t.text }));
    }
  }
  return props;
}

/** On/off cues from a table, with negation, marked as adjectives when a noun follows. */
export function findCues(
  ctx: Ctx,
  cues: PhraseTable<boolean>,
  make: (on: boolean) => PropValue,
  isNounAt: (i: number) => boolean,
): Prop[] {
  const props: Prop[] = [];
  for (const hit of cues.all(ctx.tokens, ctx.skipUsed)) {
    let on = hit.value;
    const negated =
      negatedBefore(ctx.tokens, hit.start) ||
      negatedAfter(ctx.tokens, hit.end) ||
      (hit.value && negatedVerbBefore(ctx, hit.start));
    if (negated) on = !on;
    ctx.use(hit.start, hit.end);
    for (let k = hit.start; k < hit.end; k++) if (ctx.w(k) === "cluster") ctx.release(k);
    let adjective = false;
    for (let k = hit.end; k < Math.min(ctx.length, hit.end + 4); k++) {
      if (isNounAt(k)) {
        adjective = ctx.sameClause(k, hit.start);
        break;
      }
      if (ctx.t(k)?.kind !== "word" && ctx.t(k)?.kind !== "number" && ctx.t(k)?.kind !== "version") break;
    }
    props.push(prop(hit.start, hit.end, make(on), { adjective }));
  }
  return props;
}

export function findFlagProps(ctx: Ctx, isNounAt: (i: number) => boolean): Prop[] {
  // "a standby replica", "2 read replicas": high availability, not replica counts.
  for (let i = 0; i < ctx.length; i++) {
    const n = readNumber(ctx.tokens, i);
    if (n && (ctx.w(n.end) === "read" || ctx.w(n.end) === "standby") && ctx.w(n.end + 1) === "replica")
      ctx.use(i, n.end);
  }
  return [
    ...findCues(ctx, HA_CUES, (on) => ({ kind: "ha", on }), isNounAt),
    ...findCues(ctx, BACKUP_CUES, (on) => ({ kind: "backups", on }), isNounAt),
    ...findCues(ctx, TLS_CUES, (on) => ({ kind: "tls", on }), isNounAt),
    ...findCues(ctx, EXPOSURE, (on) => ({ kind: "public", on }), isNounAt),
  ];
}
