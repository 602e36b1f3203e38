/**
 * A reading -> the interpreter's action and spec (before validation). With a
 * base spec, the words amend it and everything not mentioned is kept.
 */
import type { Action, DeploymentSpec, DeploymentSpecInput } from "../../spec/schema.js";
import { UNNAMED_QUESTION } from "../action-gate.js";
import { amendSettings, decideAction } from "../amend/amend.js";
import { removalOf, removeParts } from "../amend/remove-parts.js";
import { applyUnsets, readUnsets } from "../amend/unset.js";
import type { DataMention, Mention, ServiceMention } from "../mentions/mention-types.js";
import { nameRun } from "../read/app-name.js";
import { regionFor } from "../read/places.js";
import type { Reading } from "../read/read.js";
import { ARTICLES, type Ctx } from "../tokens/context.js";
import { gluedRun } from "../tokens/tokenizer.js";
import { isNameWord, kebab } from "../vocab/names.js";
import { attachProps } from "./attach.js";
import { catalogueNeeds, dataInput, serviceInput } from "./components.js";
import { resolveData } from "./data-entities.js";
import { dependencyPhrases } from "./dependency-phrases.js";
import {
  allNames,
  type Entities,
  type Entity,
  fromBase,
  resolveServices,
  type SvcEntity,
} from "./entities.js";
import { applyExposureScope } from "./exposure-scope.js";

export interface Built {
  readonly action: Action;
  readonly input: DeploymentSpecInput;
}

type Input = DeploymentSpecInput & Record<string, unknown>;

export function build(r: Reading, base?: DeploymentSpec): Built {
  const { ctx } = r;
  const cue = r.action.cue;
  if (cue === "rollback" || cue === "status") return { action: cue, input: minimal(r, base) };
  if (ctx.amending !== (base !== undefined)) {
    throw new Error(
      "the words were read for a different mode than the build: read them with { amending } set",
    );
  }
  const e = fromBase(base);
  // Read before the parts are resolved: a part named only to be removed is never "added" first.
  const removal = cue === "remove" && base ? removalOf(r, base.name, allNames(e)) : undefined;
  resolveServices(
    ctx,
    e,
    r.mentions.filter((m): m is ServiceMention => m.type === "service"),
    removal && !removal.whole ? new Set(removal.targets) : undefined,
  );
  resolveData(
    ctx,
    e,
    r.mentions.filter((m): m is DataMention => m.type === "data"),
  );
  const unsets =
    cue === "remove" && base ? readUnsets(ctx, e, r.mentions, r.action.start, r.action.end) : undefined;
  if (cue === "remove" && !(removal && removeParts(r, e, removal)) && !unsets) {
    return { action: "destroy", input: minimal(r, base, true) };
  }
  const mentions = [...r.mentions, ...nameMentions(ctx, e, r.mentions)];
  attachProps(ctx, e, r.props, { mentions });
  applyExposureScope(ctx, e, r.props, mentions);
  const input = base ? amendSettings(r, base, e) : freshSettings(r, e);
  input.services = liveServices(e).map((s) => serviceInput(ctx, s, input.environment === "production"));
  for (const group of ["databases", "caches", "queues", "buckets"] as const) {
    const items = e.data.filter((d) => d.group === group && !d.removed).map((d) => dataInput(ctx, d));
    (input as Record<string, unknown>)[group] = items;
  }
  dependencies(ctx, e, input);
  dependencyPhrases(ctx, e, mentions, input);
  if (unsets) applyUnsets(ctx, input, unsets);
  if (!base) catalogueNeeds(ctx, input);
  if (base && cue !== "remove") return { action: decideAction(cue, base, input), input };
  if (!base && e.services.length === 0 && e.data.length === 0) {
    ctx.ask(
      "what should be deployed? name an app, an image or a service (for example: deploy nginx with postgres)",
    );
  }
  const scaling = cue === "scale" || (cue === "deploy" && countVerb(r));
  return { action: scaling && scaleOnly(r) ? "scale" : "deploy", input };
}

const COUNT_VERBS = new Set(["bump", "increase", "decrease", "reduce", "raise", "lower", "set", "change"]);

/** "bump the api to 3 instances": a verb that changes a count, with a count (not "set up nginx"). */
function countVerb(r: Reading): boolean {
  const { ctx, action } = r;
  if (!COUNT_VERBS.has(ctx.w(action.start)) || ctx.w(action.start + 1) === "up") return false;
  return r.props.some((p) => p.value.kind === "replicas");
}

function liveServices(e: Entities): SvcEntity[] {
  return e.services.filter((s) => !s.removed);
}

function scaleOnly(r: Reading): boolean {
  return r.props.every((p) => p.value.kind === "replicas") && r.mentions.every((m) => m.type === "service");
}

function specName(r: Reading, e: Entities): string {
  if (r.appName) return r.appName.name;
  const live = liveServices(e);
  // A service named in words ("a service called parcel-hub") says more than the software it runs (nginx).
  const named = live.filter((s) => s.mentions.some((m) => m.type === "service" && m.name));
  if (live.length === 1 && named.length === 1 && named[0]) {
    r.ctx.assume(`no app name given: named after the service ${named[0].name}`);
    return named[0].name;
  }
  const apps = [...new Set(live.map((s) => s.app).filter((a): a is string => a !== undefined))];
  if (apps.length === 1 && apps[0]) {
    r.ctx.assume(`no app name given: named after ${apps[0]}`);
    return apps[0];
  }
  if (named.length === 1 && named[0]) {
    r.ctx.assume(`no app name given: named after the service ${named[0].name}`);
    return named[0].name;
  }
  // "deploy ghcr.io/acme/billing:2": the image's repository names what it is.
  const images = [...new Set(live.flatMap((s) => (s.image ? [repositoryName(s.image)] : [])))];
  if (images.length === 1 && images[0]) {
    r.ctx.assume(`no app name given: named after the image ${images[0]}`);
    return images[0];
  }
  return unnamed(r);
}

/** No name anywhere: "app", and a question, so that an unnamed request never silently replaces another. */
function unnamed(r: Reading): string {
  r.ctx.assume("no app name given: using app");
  r.ctx.ask(UNNAMED_QUESTION);
  return "app";
}

/** "ghcr.io/acme/billing:2.3" -> billing; "nginx:1.27" -> nginx. */
function repositoryName(image: string): string {
  const path = image.split("@")[0] ?? image;
  const last = path.slice(path.lastIndexOf("/") + 1);
  return kebab(last.split(":")[0] ?? "");
}

function environmentOf(r: Reading, ask: boolean): string {
  if (r.env) {
    if (r.env.note) r.ctx.assume(r.env.note);
    if (r.env.question) r.ctx.ask(r.env.question);
    return r.env.name;
  }
  r.ctx.assume("no environment named: using dev");
  if (ask) r.ctx.ask("no environment was named: is dev the one to tear down?");
  return "dev";
}

function freshSettings(r: Reading, e: Entities): Input {
  const { ctx } = r;
  const environment = environmentOf(r, false);
  const input: Input = { name: specName(r, e), environment, ...platformOf(r) };
  for (const note of r.platform.notes) ctx.assume(note);
  for (const q of r.platform.questions) ctx.ask(q);
  const prometheus = liveServices(e).some((s) => s.app === "prometheus");
  const monitoring = r.monitoring ?? (prometheus ? true : undefined);
  if (monitoring !== undefined) input.monitoring = { enabled: monitoring };
  if (r.budget) {
    input.budget = { monthlyUsd: r.budget.monthlyUsd };
    if (r.budget.note) ctx.assume(r.budget.note);
  }
  if (environment === "production") {
    ctx.assume("production: 2 replicas per service unless stated, database backups on, monitoring on");
  }
  return input;
}

/** Target, cloud and region for a new spec. */
export function platformOf(r: Reading): Pick<Input, "target" | "cloud" | "region"> {
  const p = r.platform;
  let cloud = p.cloud;
  let region = p.region;
  if (cloud === undefined && p.place) {
    const clouds = [...new Set(p.place.regions.map((x) => x.cloud))];
    if (clouds.length === 1 && clouds[0]) {
      cloud = clouds[0];
      region = regionFor(p.place, cloud)?.code;
      r.ctx.assume(`"${p.place.phrase}" is a ${cloud} region name: using ${cloud} ${region}`);
    } else r.ctx.ask(`which cloud should run in ${p.place.phrase}: ${clouds.join(", ")}?`);
  }
  let target = p.target === "weak-docker" ? (cloud ? undefined : "docker") : p.target;
  if (target === undefined) {
    target = cloud ? "terraform" : "docker";
    r.ctx.assume(
      cloud
        ? `${cloud} with no cluster or docker words: terraform for managed services`
        : "no platform named: docker on this machine",
    );
  }
  if (target === "kubernetes" && cloud === undefined)
    r.ctx.assume("kubernetes with no cloud named: an existing cluster (cloud local)");
  return { target, cloud: cloud ?? "local", ...(cloud && region ? { region } : {}) };
}

/** Spec for destroy/rollback/status: the base (or the words' name and environment). */
function minimal(r: Reading, base: DeploymentSpec | undefined, destroying = false): DeploymentSpecInput {
  if (base) {
    const input: Input = { ...structuredClone(base) };
    if (r.env) input.environment = r.env.name;
    if (r.appName?.how === "said") input.name = r.appName.name;
    return input;
  }
  const environment = environmentOf(r, destroying);
  // "roll back the payments service": the one named service names the deployment.
  const named = [...new Set(r.mentions.flatMap((m) => (m.type === "service" && m.name ? [m.name] : [])))];
  const name =
    r.appName?.name ?? objectName(r) ?? ((named.length === 1 && kebab(named[0] ?? "")) || unnamed(r));
  if (!r.appName && name !== "app") r.ctx.assume(`no app name given: using ${name}`);
  const platform = r.platform.target || r.platform.cloud ? platformOf(r) : {};
  return { name, environment, ...platform };
}

const OBJECT_SKIP = new Set([
  ...ARTICLES,
  "whole",
  "entire",
  "everything",
  "all",
  "of",
  "for",
  "back",
  "down",
  "me",
  "us",
  "up",
  "what",
  "is",
  "rid",
  "off",
  "out",
]);

/** "decommission billing in production", "list everything acme-store has running": the verb's object. */
function objectName(r: Reading): string | undefined {
  const { ctx } = r;
  // A removal's reading spans its whole scope; other verbs end where their words do.
  const from = r.action.cue === "remove" ? r.action.start + 1 : Math.max(r.action.end, r.action.start + 1);
  const k = ctx.nextWord(from, OBJECT_SKIP);
  if (!ctx.sameSentence(k, r.action.start)) return undefined;
  const run = nameRun(ctx, k);
  return run && isNameWord(ctx, k) ? run.name : undefined;
}

const DATA_GROUPS: ReadonlySet<string> = new Set(["databases", "caches", "queues"]);

/** Services depend on the data services mentioned in their sentence; when unclear, web and worker services on all. */
function dependencies(ctx: Ctx, e: Entities, input: DeploymentSpecInput): void {
  const services = input.services ?? [];
  const live = liveServices(e);
  const removed = new Set([...e.services, ...e.data].filter((x) => x.removed).map((x) => x.name));
  const renamed = new Map(e.data.flatMap((d) => (d.renamedFrom ? [[d.renamedFrom, d.name] as const] : [])));
  const deps = new Map<string, Set<string>>(
    services.map((s) => [
      s.name,
      new Set((s.dependsOn ?? []).filter((d) => !removed.has(d)).map((d) => renamed.get(d) ?? d)),
    ]),
  );
  for (const d of e.data) {
    if (d.removed || !DATA_GROUPS.has(d.group) || d.base) continue;
    const sentences = new Set(d.mentions.map((m) => ctx.sentence[m.start]));
    const near = live.filter((s) => s.mentions.some((m) => sentences.has(ctx.sentence[m.start])));
    const users = near.length > 0 ? near : live.filter((s) => kindIn(services, s.name, ["web", "worker"]));
    for (const s of users) deps.get(s.name)?.add(d.name);
  }
  const existingData = e.data.filter((d) => d.base && !d.removed && d.group !== "buckets").map((d) => d.name);
  for (const s of live) {
    if (s.base || !kindIn(services, s.name, ["web", "worker"])) continue;
    for (const name of existingData) deps.get(s.name)?.add(name);
  }
  for (const s of services) s.dependsOn = [...(deps.get(s.name) ?? [])];
}

function kindIn(
  services: readonly { name: string; kind?: string }[],
  name: string,
  kinds: readonly string[],
): boolean {
  return kinds.includes(services.find((s) => s.name === name)?.kind ?? "web");
}

/** A component's name used again later ("media should be public", "api needs 1GB") is a mention of it. */
function nameMentions(ctx: Ctx, e: Entities, mentions: readonly Mention[]): Mention[] {
  const byName = new Map<string, Entity>();
  for (const x of [...e.services, ...e.data]) if (!x.removed) byName.set(x.name, x);
  const inMention = new Set<number>();
  for (const m of mentions) for (let i = m.start; i < m.end; i++) inMention.add(i);
  const covered = (i: number) => inMention.has(i);
  const out: Mention[] = [];
  for (let i = 0; i < ctx.length; i++) {
    const t = ctx.t(i);
    if (t?.kind !== "word" || t.glue !== undefined || covered(i)) continue;
    const run = gluedRun(ctx.tokens, i);
    const ent = byName.get(run.text.toLowerCase());
    if (!ent) continue;
    const m: Mention =
      ent.group === "services"
        ? {
            type: "service",
            start: i,
            end: run.end,
            role: "named",
            weak: false,
            definite: true,
            fresh: false,
            name: ent.name,
          }
        : {
            type: "data",
            start: i,
            end: run.end,
            group: ent.group,
            generic: false,
            definite: true,
            fresh: false,
            names: [],
          };
    e.byMention.set(m, ent);
    ent.mentions.push(m);
    out.push(m);
  }
  return out;
}
