/**
 * Components -> spec parts: a service or data service of the spec from what
 * the words set, with the defaults and questions that follow from it.
 */
import { catalogueAppOfImage } from "../../spec/catalogue.js";
import type { DeploymentSpecInput } from "../../spec/schema.js";
import type { Ctx } from "../tokens/context.js";
import { knownApp } from "../vocab/apps.js";
import type { DataEntity, SvcEntity } from "./entities.js";

type ServiceInput = NonNullable<DeploymentSpecInput["services"]>[number];
type DataInput = Record<string, unknown> & { name: string };

const DEFAULT_SCHEDULE = "0 0 * * *";
const UNSUPPORTED_FALLBACK: Record<string, string> = {
  databases: "postgres",
  caches: "redis",
  queues: "rabbitmq",
};

function kindOf(s: SvcEntity): "web" | "worker" | "cron" {
  if (s.schedule) return "cron";
  if (s.base && s.role === s.base.kind) return s.base.kind;
  if (s.role === "cron") return "cron";
  if (s.role === "worker" || s.role === "job") return "worker";
  return "web";
}

export function serviceInput(ctx: Ctx, s: SvcEntity, production: boolean): ServiceInput {
  const b = s.base;
  const kind = kindOf(s);
  const out: ServiceInput = { ...(b ? structuredClone(b) : {}), name: s.name, kind, env: { ...s.env } };
  // An app's public image is a default: it never replaces the image a base service runs ("add nginx").
  const image = s.image ?? (s.app && !b?.image ? knownApp(s.app)?.image : undefined);
  if (image) out.image = image;
  else if (!b) ctx.ask(`which image should ${s.name} run? (for example ghcr.io/you/${s.name}:1.0)`);
  if (s.app && !s.image && !b) ctx.assume(`${s.app}: the public image ${knownApp(s.app)?.image}`);
  const replicas = s.replicas ?? s.count ?? s.autoscale?.min;
  if (replicas !== undefined) out.replicas = replicas;
  if (s.port !== undefined) out.port = s.port;
  if (s.cpu !== undefined || s.memory !== undefined) {
    out.resources = {
      ...out.resources,
      ...(s.cpu ? { cpu: s.cpu } : {}),
      ...(s.memory ? { memory: s.memory } : {}),
    };
  }
  if (s.health) out.healthCheck = { path: s.health };
  if (kind === "web" && !b) catalogueDefaults(ctx, s, out, production);
  if (s.tls !== undefined) out.tls = s.tls;
  exposure(ctx, s, out, kind);
  schedule(ctx, s, out, kind);
  autoscale(ctx, s, out, kind, production);
  return out;
}

/**
 * A well-known app's image listens on a known port and answers on a known
 * health path (spec/catalogue.ts): used when neither the words nor the base
 * spec give one, and said. Only for a new service running the app's own
 * image (an amendment leaves a running service's settings alone).
 */
function catalogueDefaults(ctx: Ctx, s: SvcEntity, out: ServiceInput, production: boolean): void {
  const app = catalogueAppOfImage(out.image);
  if (!app) return;
  const filled: string[] = [];
  if (out.port === undefined) {
    out.port = app.port;
    filled.push(`port ${app.port}`);
  }
  if (out.healthCheck === undefined) {
    out.healthCheck = { path: app.healthPath };
    filled.push(`health check ${app.healthPath}`);
  }
  if (app.start && out.args === undefined && out.command === undefined) {
    const args = production
      ? [...app.start.production, ...(s.domain === undefined ? (app.start.withoutDomain ?? []) : [])]
      : [...app.start.other];
    out.args = args;
    filled.push(`started with \`${args.join(" ")}\``);
  }
  if (filled.length > 0)
    ctx.assume(`${s.name}: ${sayList(filled)}, as the ${app.key} image expects (catalogue: ${app.source})`);
}

function exposure(ctx: Ctx, s: SvcEntity, out: ServiceInput, kind: string): void {
  if (s.public !== undefined) out.public = s.public;
  if (s.domain !== undefined) out.domain = s.domain;
  if (kind !== "web") {
    if (out.public) ctx.assume(`${s.name} is a ${kind}, which cannot be public: kept private`);
    if (out.domain)
      ctx.ask(`${s.name} is a ${kind} and cannot serve ${out.domain}: which web service should?`);
    delete out.domain;
    out.public = false;
    return;
  }
  if (out.domain && out.public === false) {
    ctx.ask(`${s.name} is private but was given the domain ${out.domain}: should it be public?`);
    delete out.domain;
  }
  // A domain given now means https, even where the base served plain http.
  if (out.domain && s.domain !== undefined && s.tls === undefined && out.tls === false) {
    out.tls = true;
    ctx.assume(`${s.name}: TLS on for ${out.domain}`);
  }
}

function schedule(ctx: Ctx, s: SvcEntity, out: ServiceInput, kind: string): void {
  if (kind !== "cron") {
    delete out.schedule;
    return;
  }
  if (s.schedule) {
    out.schedule = s.schedule.cron;
    for (const note of s.schedule.notes) ctx.assume(`${s.name}: ${note}`);
  } else if (!out.schedule) {
    out.schedule = DEFAULT_SCHEDULE;
    ctx.ask(`when should ${s.name} run? (using daily at midnight, "${DEFAULT_SCHEDULE}", until told)`);
  }
  if (s.autoscale || out.autoscale)
    ctx.assume(`${s.name} is a cron job, which does not autoscale: autoscaling dropped`);
  delete out.autoscale;
}

function autoscale(ctx: Ctx, s: SvcEntity, out: ServiceInput, kind: string, production: boolean): void {
  const a = s.autoscale;
  if (a === undefined || kind === "cron") return;
  const floor = s.replicas ?? s.count ?? out.replicas ?? (production ? 2 : 1);
  let min = Math.round(a.min ?? (a.max !== undefined ? Math.min(floor, a.max) : floor));
  let max = Math.round(a.max ?? Math.max(min * 3, min + 2));
  if (a.min === undefined) ctx.assume(`${s.name}: autoscale minimum not given: ${min}`);
  if (a.max === undefined) ctx.assume(`${s.name}: autoscale maximum not given: ${max}`);
  if (min < 1) {
    ctx.assume(`${s.name}: autoscale minimum raised to 1`);
    min = 1;
  }
  if (max < min) [min, max] = [max, min];
  const target = a.target ?? 70;
  if (a.target === undefined) ctx.assume(`${s.name}: autoscale CPU target not given: 70%`);
  out.autoscale = { min, max, targetCpuPercent: Math.min(100, Math.max(1, target)) };
  if (s.replicas === undefined && s.count === undefined) out.replicas = min;
}

export function dataInput(ctx: Ctx, d: DataEntity): DataInput {
  const b = d.base ? (structuredClone(d.base) as DataInput) : undefined;
  const out: DataInput = { ...(b ?? {}), name: d.name };
  if (d.group === "buckets") {
    if (d.public !== undefined) out.public = d.public;
    return out;
  }
  let engine = d.engine;
  if (d.unsupported && !d.engineSaid) {
    engine = UNSUPPORTED_FALLBACK[d.group] as DataEntity["engine"];
    ctx.ask(`${d.unsupported} is not supported here: is ${engine} fine for ${d.name}?`);
  } else if (!d.engineSaid && !d.base) ctx.assume(`no ${d.group.slice(0, -1)} engine named: using ${engine}`);
  out.engine = engine;
  if (d.version !== undefined) out.version = d.version;
  if (d.group === "databases") {
    if (d.storageGb !== undefined) out.storageGb = d.storageGb;
    if (d.ha !== undefined) out.highAvailability = d.ha;
    if (d.backups !== undefined) out.backups = d.backups;
  }
  return out;
}

/**
 * A catalogue app's data dependency (spec/catalogue.ts), said when the words
 * leave it unmet: an image that needs a database and is connected to none,
 * or is connected to an engine it cannot read (its own variables are then
 * not set; the connection contract's still are).
 */
export function catalogueNeeds(ctx: Ctx, input: DeploymentSpecInput): void {
  const engines = new Map<string, string>((input.databases ?? []).map((d) => [d.name, d.engine]));
  for (const s of input.services ?? []) {
    const app = catalogueAppOfImage(s.image);
    const db = app?.database;
    if (!app || !db) continue;
    const wanted = db.engines.join(" or ");
    const first = (s.dependsOn ?? []).map((d) => engines.get(d)).find((e) => e !== undefined);
    if (first === undefined) {
      if (db.required)
        ctx.assume(
          `${s.name}: the ${app.key} image needs a ${wanted} database and none is connected (say "with ${db.engines[0]}")`,
        );
    } else if (!db.engines.some((e) => e === first))
      ctx.assume(
        `${s.name}: the ${app.key} image reads ${wanted}, not ${first}: only the DATABASE_* variables are set`,
      );
  }
}

/** `a`, `a and b`, `a, b and c`. */
function sayList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}
