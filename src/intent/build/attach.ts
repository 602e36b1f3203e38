/**
 * Property phrases -> components. A property belongs to the component the
 * words tie it to (see nearest.ts), and last to a sensible default (the main
 * web service, the only database).
 */

import type { Mention, Prop, PropValue } from "../mentions/mention-types.js";
import type { Ctx } from "../tokens/context.js";
import { uniqueName } from "../vocab/names.js";
import {
  type DataEntity,
  type Entities,
  type Entity,
  kindOfRole,
  primaryService,
  type SvcEntity,
} from "./entities.js";
import { nearest } from "./nearest.js";

type Want = "services" | "databases" | "svc+buckets" | "svc+db" | "any";

const WANT: Record<PropValue["kind"], Want> = {
  replicas: "services",
  autoscale: "services",
  port: "services",
  cpu: "services",
  memory: "services",
  domain: "services",
  tls: "services",
  health: "services",
  env: "services",
  image: "services",
  schedule: "services",
  storage: "databases",
  backups: "databases",
  version: "any",
  ha: "any",
  public: "svc+buckets",
  size: "svc+db",
};

function accepts(want: Want, e: Entity): boolean {
  if (e.removed) return false;
  switch (want) {
    case "services":
      return e.group === "services";
    case "databases":
      return e.group === "databases";
    case "svc+buckets":
      return e.group === "services" || e.group === "buckets";
    case "svc+db":
      return e.group === "services" || e.group === "databases";
    case "any":
      return true;
  }
}

const TARGET_LINKS = new Set(["of", "to", "for"]);

export interface AttachOptions {
  readonly mentions: readonly Mention[];
}

export function attachProps(ctx: Ctx, e: Entities, props: readonly Prop[], options: AttachOptions): void {
  const ordered = [...props].sort((a, b) => a.start - b.start);
  for (const p of ordered) {
    const want = WANT[p.value.kind];
    // "3 replicas of X", "add 2 more replicas to the worker": the mention right after.
    if (p.value.kind === "replicas" && TARGET_LINKS.has(ctx.w(p.end)) && !p.target) {
      const of = options.mentions.find((m) => m.start > p.end && m.start <= p.end + 2);
      if (of) p.target = of;
    }
    const cands = options.mentions.filter((m) => {
      const ent = e.byMention.get(m);
      return ent !== undefined && accepts(want, ent);
    });
    if (p.value.kind === "replicas" && (p.value.each || p.value.all)) {
      applyEach(ctx, e, p, cands);
      continue;
    }
    const hit = nearest(ctx, p, cands);
    const target = hit ? e.byMention.get(hit) : undefined;
    if (p.value.kind === "schedule") attachSchedule(ctx, e, p, target);
    else if (target) apply(ctx, target, p.value);
    else fallback(ctx, e, p.value);
  }
}

function attachSchedule(ctx: Ctx, e: Entities, p: Prop, target: Entity | undefined): void {
  if (p.value.kind !== "schedule") return;
  const v = p.value;
  const svc = target?.group === "services" ? target : undefined;
  const takes = (s: SvcEntity) => ["worker", "cron", "job", "app", "named", "image"].includes(s.role);
  if (svc && (takes(svc) || svc.schedule)) {
    if (v.weak && !["cron", "job"].includes(svc.role) && !svc.schedule) return;
    applySchedule(svc, v);
    return;
  }
  if (v.weak) return;
  const existing = e.services.find((s) => !s.removed && s.role === "cron" && !s.mentions.length);
  const cron = existing ?? newService(e, "cron", "cron");
  applySchedule(cron, v);
  ctx.assume(`a schedule was given with no job to run it: added a cron service named ${cron.name}`);
}

function applySchedule(s: SvcEntity, v: Extract<PropValue, { kind: "schedule" }>): void {
  if (!s.schedule || v.detail > s.schedule.detail)
    s.schedule = { cron: v.cron, detail: v.detail, notes: v.notes };
}

export function newService(e: Entities, name: string, role: SvcEntity["role"]): SvcEntity {
  const taken = new Set([...e.services, ...e.data].filter((x) => !x.removed).map((x) => x.name));
  const s: SvcEntity = { group: "services", name: uniqueName(name, taken), role, mentions: [], env: {} };
  e.services.push(s);
  return s;
}

function apply(ctx: Ctx, target: Entity, v: PropValue): void {
  if (target.group === "services") applyService(ctx, target, v);
  else applyData(ctx, target, v);
}

function applyService(ctx: Ctx, s: SvcEntity, v: PropValue): void {
  switch (v.kind) {
    case "replicas":
      s.replicas = relativeReplicas(s, v.value, v.relative);
      return;
    case "autoscale": {
      const { kind: _kind, ...bounds } = v;
      s.autoscale = { ...s.autoscale, ...bounds };
      return;
    }
    case "port":
      s.port = v.value;
      return;
    case "cpu":
      s.cpu = v.value;
      return;
    case "memory":
      s.memory = v.value;
      return;
    case "size":
      s.memory = v.memory;
      return;
    case "health":
      s.health = v.path;
      return;
    case "domain":
      s.domain = v.host;
      if (v.secure) s.tls = true;
      return;
    case "tls":
      s.tls = v.on;
      return;
    case "public":
      s.public = v.on;
      return;
    case "env":
      s.env[v.key] = v.value;
      return;
    case "image":
      s.image = v.ref;
      return;
    case "ha":
      if (v.on && s.replicas === undefined) {
        s.replicas = 2;
        ctx.assume(`"highly available" ${s.name}: 2 replicas`);
      }
      return;
    default:
      return;
  }
}

function applyData(ctx: Ctx, d: DataEntity, v: PropValue): void {
  switch (v.kind) {
    case "storage":
    case "size":
      if (d.group === "databases") {
        const current = d.storageGb ?? (d.base && "storageGb" in d.base ? d.base.storageGb : 10);
        d.storageGb = v.kind === "storage" && v.relative === "add" ? current + v.gb : v.gb;
      } else ctx.assume(`a size was given for ${d.name}, which has no storage setting: ignored`);
      return;
    case "ha":
      if (d.group === "databases") d.ha = v.on;
      else ctx.assume(`high availability is not a setting of ${d.name} (${d.group.slice(0, -1)}): ignored`);
      return;
    case "backups":
      d.backups = v.on;
      return;
    case "public":
      d.public = v.on;
      return;
    case "version":
      d.version = v.value;
      return;
    default:
      return;
  }
}

function fallback(ctx: Ctx, e: Entities, v: PropValue): void {
  const want = WANT[v.kind];
  const dbs = e.data.filter((d) => d.group === "databases" && !d.removed);
  if (
    want === "databases" ||
    (want === "svc+db" && dbs.length > 0 && !primaryService(e)) ||
    (v.kind === "ha" && dbs.length)
  ) {
    if (dbs.length === 0) {
      if (v.kind === "ha") fallbackService(ctx, e, v);
      else if (v.kind === "backups" && v.schedule) backupJob(ctx, e, v.schedule);
      else ctx.assume(`${v.kind} was given but there is no database: ignored`);
      return;
    }
    const targets = v.kind === "storage" || v.kind === "size" ? dbs.slice(0, 1) : dbs;
    if (dbs.length > 1 && targets.length === 1)
      ctx.assume(`${v.kind} applied to ${targets[0]?.name}, the first database`);
    for (const d of targets) applyData(ctx, d, v);
    return;
  }
  if (want === "svc+buckets" && !primaryService(e)) {
    const buckets = e.data.filter((d) => d.group === "buckets" && !d.removed);
    for (const b of buckets) applyData(ctx, b, v);
    if (buckets.length > 0) return;
  }
  fallbackService(ctx, e, v);
}

function fallbackService(ctx: Ctx, e: Entities, v: PropValue): void {
  const live = e.services.filter((s) => !s.removed);
  if (ctx.amending && v.kind === "replicas" && live.length > 0) {
    const webs = live.filter((s) => (s.base?.kind ?? kindOfRole(s.role)) === "web");
    for (const s of webs.length ? webs : live) applyService(ctx, s, v);
    return;
  }
  let s = primaryService(e);
  if (s === undefined) {
    if (v.kind === "ha" || v.kind === "tls" || v.kind === "public") return;
    s = newService(e, "web", "app");
    ctx.assume(`no service named: added one web service named ${s.name}`);
  }
  applyService(ctx, s, v);
}

/** "2 of each", "3 replicas each": every service mentioned in the sentence. */
function applyEach(ctx: Ctx, e: Entities, p: Prop, cands: readonly Mention[]): void {
  const targets = new Set<Entity>();
  for (const m of cands) {
    const ent = e.byMention.get(m);
    if (ent && ctx.sameSentence(m.start, p.start)) targets.add(ent);
  }
  if (p.value.kind === "replicas" && p.value.all) targets.clear();
  if (targets.size === 0) for (const s of e.services.filter((x) => !x.removed)) targets.add(s);
  for (const t of targets) apply(ctx, t, p.value);
}

/** "schedule the backup every night": with no database to back up, a job that does it. */
function backupJob(ctx: Ctx, e: Entities, schedule: NonNullable<SvcEntity["schedule"]>): void {
  const job =
    e.services.find((s) => !s.removed && s.role === "cron" && !s.schedule) ?? newService(e, "backup", "cron");
  job.schedule = schedule;
  ctx.assume(`a backup schedule with no database: a cron service named ${job.name} runs it`);
}

function relativeReplicas(s: SvcEntity, value: number, relative: "add" | "times" | undefined): number {
  const current = s.replicas ?? s.base?.replicas ?? 1;
  if (relative === "add") return current + value;
  if (relative === "times") return Math.max(1, Math.round(current * value));
  return value;
}
