/**
 * Mentions -> components. Several mentions of the same thing ("the api" twice)
 * become one component; with a base spec, mentions find the components that
 * already exist ("the worker", "the database") and only new ones are added.
 */
import type { Bucket, Cache, Database, DeploymentSpec, Queue, Service } from "../../spec/schema.js";
import { parseImage } from "../mentions/images.js";
import type { Mention, ServiceMention, ServiceRole } from "../mentions/mention-types.js";
import { isSeparatePart } from "../mentions/mentions.js";
import type { Ctx } from "../tokens/context.js";
import { knownApp } from "../vocab/apps.js";
import { kebab, uniqueName } from "../vocab/names.js";
import { type DataEngine, type DataGroup, ROLE_NAMES } from "../vocab/vocab.js";
import { mergeApps, mergeImages, mergeParens } from "./merges.js";

export interface Autoscale {
  min?: number;
  max?: number;
  target?: number;
}

export interface SvcEntity {
  readonly group: "services";
  name: string;
  role: ServiceRole;
  readonly mentions: Mention[];
  app?: string;
  image?: string;
  count?: number;
  replicas?: number;
  port?: number;
  cpu?: string;
  memory?: string;
  domain?: string;
  tls?: boolean;
  public?: boolean;
  health?: string;
  autoscale?: Autoscale;
  schedule?: { cron: string; detail: number; notes: readonly string[] };
  env: Record<string, string>;
  base?: Service;
  removed?: boolean;
}

export interface DataEntity {
  readonly group: DataGroup;
  name: string;
  readonly mentions: Mention[];
  engine?: DataEngine;
  engineSaid: boolean;
  version?: string;
  storageGb?: number;
  ha?: boolean;
  backups?: boolean;
  public?: boolean;
  unsupported?: string;
  base?: Database | Cache | Queue | Bucket;
  removed?: boolean;
  /** The base name, when an engine change renamed it ("mysql" -> "postgres"). */
  renamedFrom?: string;
}

export type Entity = SvcEntity | DataEntity;

export interface Entities {
  readonly services: SvcEntity[];
  readonly data: DataEntity[];
  readonly byMention: Map<Mention, Entity>;
}

export const DEFAULT_ENGINES: Record<Exclude<DataGroup, "buckets">, DataEngine> = {
  databases: "postgres",
  caches: "redis",
  queues: "rabbitmq",
};

export function fromBase(base: DeploymentSpec | undefined): Entities {
  const services: SvcEntity[] = (base?.services ?? []).map((s) => ({
    group: "services",
    name: s.name,
    role: s.kind === "web" ? "web" : s.kind,
    mentions: [],
    env: { ...s.env },
    base: s,
  }));
  const data: DataEntity[] = [];
  for (const group of ["databases", "caches", "queues", "buckets"] as const) {
    for (const d of base?.[group] ?? []) {
      data.push({
        group,
        name: d.name,
        mentions: [],
        engineSaid: true,
        ...("engine" in d ? { engine: d.engine } : {}),
        base: d,
      });
    }
  }
  return { services, data, byMention: new Map() };
}

export function allNames(e: Entities): Set<string> {
  return new Set([...e.services, ...e.data].filter((x) => !x.removed).map((x) => x.name));
}

function keyOf(m: ServiceMention): string {
  if (m.name) return m.name;
  if ((m.role === "cron" || m.role === "job") && m.purpose) return kebab(m.purpose) || ROLE_NAMES[m.role];
  if (m.role === "image" && m.image) return m.app ?? (kebab(parseImage(m.image).last) || "app");
  if (m.role === "app" || m.role === "named" || m.role === "image") return m.app ?? "web";
  return ROLE_NAMES[m.role];
}

const KIND_OF_ROLE: Partial<Record<ServiceRole, "worker" | "cron">> = {
  worker: "worker",
  cron: "cron",
  job: "cron",
};

function findService(ctx: Ctx, e: Entities, m: ServiceMention, key: string): SvcEntity | undefined {
  const live = e.services.filter((s) => !s.removed);
  const byName = live.find((s) => s.name === key);
  if (byName || !ctx.amending || m.name) return byName;
  const kind = KIND_OF_ROLE[m.role];
  if (kind) return live.find((s) => s.base?.kind === kind || s.role === kind);
  if (m.app) return live.find((s) => s.image?.includes(m.app ?? "") || s.base?.image?.includes(m.app ?? ""));
  if (m.role === "web" || m.role === "app") {
    const webs = live.filter((s) => (s.base?.kind ?? "web") === "web");
    return webs.length === 1 ? webs[0] : undefined;
  }
  return undefined;
}

function addService(ctx: Ctx, e: Entities, m: ServiceMention): SvcEntity {
  const key = keyOf(m);
  const existing = m.fresh && ctx.amending ? alreadyThere(ctx, e, m, key) : findService(ctx, e, m, key);
  if (existing) {
    existing.mentions.push(m);
    if (m.image && !existing.image) existing.image = m.image;
    if (m.app && !existing.app) existing.app = m.app;
    if (m.count !== undefined && existing.count === undefined) existing.count = m.count;
    return existing;
  }
  const entity: SvcEntity = {
    group: "services",
    name: uniqueName(key, allNames(e)),
    role: m.role,
    mentions: [m],
    env: {},
    ...(m.app ? { app: m.app } : {}),
    ...(m.image ? { image: m.image } : {}),
    ...(m.count !== undefined ? { count: m.count } : {}),
  };
  e.services.push(entity);
  return entity;
}

/** Words after a mention that describe a new job for it ("a worker that sends emails"). */
const DESCRIBED = new Set(["that", "which", "who", "for"]);

/**
 * "add an api" or "add nginx" to a spec that runs one: adding what exists
 * changes nothing, and says so. "another api", "a worker that sends emails"
 * and a different image are new services.
 */
function alreadyThere(ctx: Ctx, e: Entities, m: ServiceMention, key: string): SvcEntity | undefined {
  if (m.another || DESCRIBED.has(ctx.w(m.end))) return undefined;
  const said = m.image ?? (m.app ? knownApp(m.app)?.image : undefined);
  const same = e.services.find((s) => {
    if (!s.base || s.removed) return false;
    const sameImage =
      said !== undefined && s.base.image !== undefined && repository(s.base.image) === repository(said);
    return s.name === key ? said === undefined || sameImage : sameImage && !m.name;
  });
  if (!same) return undefined;
  const note = `${same.name} is already there: nothing added (say "another ${m.app ?? key}" to add a second one)`;
  const retag = m.image !== undefined && m.image !== same.base?.image;
  ctx.assume(
    retag ? `${same.name} already runs ${repository(m.image ?? "")}: its image is now ${m.image}` : note,
  );
  return same;
}

/** "ghcr.io/acme/api:2@sha256:..." -> "ghcr.io/acme/api"; "nginx" and "docker.io/library/nginx" stay apart (rare). */
function repository(image: string): string {
  const ref = image.split("@")[0] ?? image;
  const slash = ref.lastIndexOf("/");
  const colon = ref.lastIndexOf(":");
  return (colon > slash ? ref.slice(0, colon) : ref).toLowerCase();
}

/** `removing`: mentions a removal aims at; a missing one is not "added" (the removal asks about it). */
export function resolveServices(
  ctx: Ctx,
  e: Entities,
  mentions: readonly ServiceMention[],
  removing?: ReadonlySet<Mention>,
): void {
  const merged = mergeParens(ctx, mentions);
  mergeImages(ctx, mentions, merged);
  mergeApps(ctx, mentions, merged);
  for (const m of mentions) {
    if (m.weak || merged.has(m)) continue;
    const before = e.services.length;
    if (m.names && m.names.length > 1) {
      const made = m.names.map((name) =>
        addService(ctx, e, { ...m, name, role: m.role === "app" ? "named" : m.role }),
      );
      for (const s of made.slice(1)) s.mentions.push(m);
      if (made[0]) e.byMention.set(m, made[0]);
      continue;
    }
    const s = addService(ctx, e, m);
    e.byMention.set(m, s);
    if (ctx.amending && e.services.length > before && m.definite && !m.fresh && !removing?.has(m)) {
      ctx.ask(`there was no ${s.name} in the current spec: added one; is that what you meant?`);
    }
  }
  resolveWeak(ctx, e, mentions);
  for (const [image, host] of merged) {
    const entity = e.byMention.get(host);
    if (entity?.group === "services") {
      if (image.image) entity.image = image.image;
      if (image.app && !entity.app) entity.app = image.app;
      e.byMention.set(image, entity);
      entity.mentions.push(image);
    }
  }
}

function resolveWeak(ctx: Ctx, e: Entities, mentions: readonly ServiceMention[]): void {
  const parts = mentions.filter((m) => isSeparatePart(m, mentions));
  for (const m of parts) {
    // "an api and a tile server": a part of its own, named by its word (and asked for its image).
    const part: ServiceMention = { ...m, role: "named", weak: false, name: kebab(m.appName ?? "") };
    const s = addService(ctx, e, part);
    // The entity keeps the words' own mention: its name was derived, not said, so it never names the app.
    s.mentions.splice(s.mentions.indexOf(part), 1, m);
    e.byMention.set(m, s);
  }
  const weak = mentions.filter((m) => m.weak && !parts.includes(m));
  if (weak.length === 0) return;
  let primary = primaryService(e);
  if (primary === undefined) {
    const first = weak[0];
    if (first === undefined) return;
    primary = addService(ctx, e, { ...first, role: "app", weak: false });
    ctx.assume(`"${wordsOf(ctx, first)}" read as one web service named ${primary.name}`);
  }
  for (const m of weak) {
    // "remove the shop" where a part is called shop: that part, not the primary one.
    const own = m.appName
      ? e.services.find((s) => !s.removed && s.name === kebab(m.appName ?? ""))
      : undefined;
    const to = own ?? primary;
    e.byMention.set(m, to);
    to.mentions.push(m);
  }
}

function wordsOf(ctx: Ctx, m: Mention): string {
  return ctx.tokens
    .slice(m.start, m.end)
    .map((t) => t.text)
    .join(" ");
}

/** The service that unspecific words mean: the first web service, else the first service. */
export function primaryService(e: Entities): SvcEntity | undefined {
  const live = e.services.filter((s) => !s.removed);
  return live.find((s) => (s.base?.kind ?? kindOfRole(s.role)) === "web") ?? live[0];
}

export function kindOfRole(role: ServiceRole): "web" | "worker" | "cron" {
  return role === "worker" ? "worker" : role === "cron" ? "cron" : "web";
}
