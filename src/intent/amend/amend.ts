/**
 * Amendments of a base spec: only what the words change, changes. Moving to
 * another environment re-derives the environment's defaults (replicas,
 * backups, monitoring) only where the base still had the old default; a
 * request that only changes replica counts is a "scale".
 */
import type { Action, DeploymentSpec, DeploymentSpecInput } from "../../spec/schema.js";
import type { Entities } from "../build/entities.js";
import type { ActionCue } from "../read/actions.js";
import { regionFor } from "../read/places.js";
import type { Reading } from "../read/read.js";

type Input = DeploymentSpecInput & Record<string, unknown>;

const replicasFor = (env: string) => (env === "production" ? 2 : 1);

export function amendSettings(r: Reading, base: DeploymentSpec, e: Entities): Input {
  const { ctx } = r;
  const input: Input = structuredClone(base);
  if (r.appName?.how === "said" && r.appName.name !== base.name) {
    input.name = r.appName.name;
    ctx.assume(`renamed ${base.name} to ${r.appName.name}`);
  }
  if (r.env && r.env.name !== base.environment) moveEnvironment(r, base, e, input, r.env.name);
  amendPlatform(r, base, input);
  if (r.monitoring !== undefined) input.monitoring = { enabled: r.monitoring };
  if (r.budget) input.budget = { monthlyUsd: r.budget.monthlyUsd };
  return input;
}

function moveEnvironment(r: Reading, base: DeploymentSpec, e: Entities, input: Input, to: string): void {
  const { ctx } = r;
  const from = base.environment;
  input.environment = to;
  ctx.assume(`environment ${from} -> ${to}`);
  const oldProd = from === "production";
  const newProd = to === "production";
  if (oldProd === newProd) return;
  for (const s of e.services) {
    if (!s.base || s.replicas !== undefined || s.count !== undefined) continue;
    if (s.base.replicas === replicasFor(from)) {
      s.replicas = replicasFor(to);
      ctx.assume(`${s.name}: replicas ${s.base.replicas} -> ${s.replicas} (the ${to} default)`);
    }
  }
  for (const d of e.data) {
    if (d.group !== "databases" || !d.base || d.backups !== undefined || !("backups" in d.base)) continue;
    if (d.base.backups === oldProd) {
      d.backups = newProd;
      ctx.assume(`${d.name}: backups ${newProd ? "on" : "off"} (the ${to} default)`);
    }
  }
  if (r.monitoring === undefined && base.monitoring.enabled === oldProd) {
    input.monitoring = { enabled: newProd };
    ctx.assume(`monitoring ${newProd ? "on" : "off"} (the ${to} default)`);
  }
}

function amendPlatform(r: Reading, base: DeploymentSpec, input: Input): void {
  const { ctx } = r;
  const p = r.platform;
  for (const q of p.questions) ctx.ask(q);
  // A managed service word (S3, RDS) adds a part; only a named cloud or a region code moves the deployment.
  const moved = p.cloudHow === "named" || p.region !== undefined;
  const cloud = (moved ? p.cloud : undefined) ?? base.cloud;
  if (cloud !== base.cloud) {
    input.cloud = cloud;
    ctx.assume(`cloud ${base.cloud} -> ${cloud}`);
    if (base.region && !p.region) {
      delete input.region;
      ctx.assume(`region ${base.region} is not a ${cloud} region: dropped`);
    }
  }
  const target = p.target === "weak-docker" ? undefined : p.target;
  if (target && target !== base.target) {
    input.target = target;
    ctx.assume(`target ${base.target} -> ${target}`);
  } else if (!target && base.cloud === "local" && cloud !== "local" && base.target === "docker") {
    input.target = "terraform";
    ctx.assume(`moving to ${cloud}: target terraform for managed services`);
  } else if (!target && cloud === "local" && base.target === "terraform") {
    input.target = "docker";
  }
  if (p.region) input.region = p.region;
  else if (p.place && cloud !== "local") {
    const region = regionFor(p.place, cloud);
    if (region) input.region = region.code;
    else ctx.ask(`${cloud} has no region I know for "${p.place.phrase}": which region should it use?`);
  } else if (p.place) ctx.ask(`which cloud should run in ${p.place.phrase}?`);
  if (input.cloud === "local") delete input.region;
}

/** deploy, or scale when the only change is replica counts of existing services. */
export function decideAction(cue: ActionCue, base: DeploymentSpec, input: DeploymentSpecInput): Action {
  if (cue === "rollback" || cue === "status") return cue;
  const before = base.services.map((s) => s.replicas);
  const after = (input.services ?? []).map((s) => s.replicas);
  if (before.length !== after.length) return "deploy";
  const names =
    (input.services ?? []).map((s) => s.name).join(",") === base.services.map((s) => s.name).join(",");
  const replicasChanged = before.some((r, i) => r !== after[i]);
  if (names && replicasChanged && sameOtherwise(base, input)) return "scale";
  return "deploy";
}

function sameOtherwise(base: DeploymentSpec, input: DeploymentSpecInput): boolean {
  const normalize = (spec: DeploymentSpecInput) => ({
    ...spec,
    services: (spec.services ?? []).map((s) => ({
      ...s,
      replicas: 0,
      dependsOn: [...(s.dependsOn ?? [])].sort(),
    })),
  });
  return stable(normalize(base)) === stable(normalize(input));
}

/** JSON with keys in sorted order, so that two equal specs print the same. */
function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stable(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
