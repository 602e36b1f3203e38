/**
 * Current state + desired spec -> a DAG of steps. Order: the network first,
 * then credentials and data services, then services (after what they depend
 * on), then ingress for public services, then monitoring. Removals run in the
 * reverse order: ingress, services, then the data they used.
 */

import { type ChangeAction, type ComponentGroup, diffSpecs, type SpecDiff } from "../spec/diff.js";
import type { DeploymentSpec, Service, Target } from "../spec/schema.js";
import { secretNamesOf } from "../spec/secret-refs.js";
import { rendersCredentials, rendersMonitoring, rendersPublicEndpoint } from "../spec/target-capabilities.js";
import { topologicalLevels } from "./graph.js";
import { monitoringInputs, monitoringSummary } from "./monitoring.js";
import { type VolumeStepInput, volumeRemovals, volumeSteps } from "./volumes.js";

export type StepKind =
  | "network"
  | "secrets"
  | "database"
  | "cache"
  | "queue"
  | "bucket"
  | "volume"
  | "service"
  | "ingress"
  | "monitoring";

export interface PlanStep {
  readonly id: string;
  readonly kind: StepKind;
  readonly action: ChangeAction;
  /** The spec component the step acts on, for component steps (the service, for a volume step). */
  readonly component?: string;
  /** The volume's name in `services[].volumes`, for volume steps. */
  readonly volume?: string;
  readonly dependsOn: readonly string[];
  readonly description: string;
  /** Fields that changed, for updates. */
  readonly fields?: readonly string[];
}

export interface Plan {
  readonly app: string;
  readonly environment: string;
  readonly target: Target;
  /** In topological order. */
  readonly steps: readonly PlanStep[];
  /** Step ids grouped in levels that can run in parallel. */
  readonly levels: readonly (readonly string[])[];
  readonly diff: SpecDiff;
}

const KIND_OF: Record<ComponentGroup, StepKind> = {
  databases: "database",
  caches: "cache",
  queues: "queue",
  buckets: "bucket",
  services: "service",
};

export const stepId = (kind: StepKind, name?: string): string =>
  name === undefined ? kind : `${kind}:${name}`;

function componentKinds(spec: DeploymentSpec | undefined): Map<string, StepKind> {
  const kinds = new Map<string, StepKind>();
  if (!spec) return kinds;
  for (const group of Object.keys(KIND_OF) as ComponentGroup[]) {
    for (const c of spec[group]) kinds.set(c.name, KIND_OF[group]);
  }
  return kinds;
}

function describe(action: ChangeAction, what: string, fields: readonly string[] = []): string {
  const verb = { create: "create", update: "update", delete: "remove", noop: "keep" }[action];
  return fields.length > 0 ? `${verb} ${what} (${fields.join(", ")})` : `${verb} ${what}`;
}

function infraAction(current: DeploymentSpec | undefined, changed: boolean): ChangeAction {
  if (!current) return "create";
  return changed ? "update" : "noop";
}

/** A public web service, when the target renders a way in for it (never a phantom ingress step). */
function ingressWanted(spec: DeploymentSpec | undefined, s: Service | undefined): boolean {
  return spec !== undefined && s !== undefined && s.kind === "web" && rendersPublicEndpoint(spec, s);
}

/** Builds the plan; throws PlanCycleError when services depend on each other in a circle. */
export function buildPlan(desired: DeploymentSpec, current?: DeploymentSpec): Plan {
  const diff = diffSpecs(current, desired);
  const kinds = componentKinds(desired);
  const steps: PlanStep[] = [];
  const settingsChanged = diff.settings.length > 0;
  steps.push({
    id: "network",
    kind: "network",
    action: infraAction(current, settingsChanged),
    dependsOn: [],
    description: describe(
      infraAction(current, settingsChanged),
      `network for ${desired.name}-${desired.environment}`,
    ),
  });
  const secrets = rendersCredentials(desired);
  if (secrets) {
    const action = current && rendersCredentials(current) ? "noop" : "create";
    steps.push({
      id: "secrets",
      kind: "secrets",
      action,
      dependsOn: ["network"],
      description: describe(action, "generated credentials"),
    });
  }
  const base = secrets ? ["network", "secrets"] : ["network"];
  const services = new Map(desired.services.map((s) => [s.name, s]));
  const volumes = volumeSteps(desired, current);
  steps.push(...volumes.map((v) => volumeStep(v, ["network"])));
  for (const change of diff.components) {
    const kind = KIND_OF[change.group];
    const id = stepId(kind, change.name);
    if (change.action === "delete") continue;
    const service = services.get(change.name);
    const deps =
      kind === "service" && service
        ? [
            ...base,
            ...volumes.filter((v) => v.service === service.name).map((v) => v.id),
            ...service.dependsOn.map((d) => stepId(kinds.get(d) ?? "service", d)),
          ]
        : kind === "bucket"
          ? ["network"]
          : base;
    // Secret values live outside the spec: a service that reads some is applied again, and the provider
    // leaves it alone when nothing it runs with changed.
    const rereads =
      change.action === "noop" && service !== undefined && secretNamesOf({ services: [service] }).length > 0;
    const action: ChangeAction = rereads ? "update" : change.action;
    steps.push({
      id,
      kind,
      action,
      component: change.name,
      dependsOn: deps,
      description: rereads
        ? `update ${kind} ${change.name} (re-reads its secrets)`
        : describe(change.action, `${kind} ${change.name}`, change.fields),
      ...(change.fields.length > 0 ? { fields: change.fields } : {}),
    });
    if (kind === "service" && ingressWanted(desired, service)) {
      const before = current?.services.find((s) => s.name === change.name);
      const action: ChangeAction = !ingressWanted(current, before)
        ? "create"
        : change.fields.some((f) => ["domain", "tls", "port", "public"].includes(f))
          ? "update"
          : "noop";
      steps.push({
        id: stepId("ingress", change.name),
        kind: "ingress",
        action,
        component: change.name,
        dependsOn: [id],
        description: describe(
          action,
          `public endpoint for ${change.name}${service?.domain ? ` at ${service.domain}` : ""}`,
        ),
      });
    }
  }
  steps.push(...removalSteps(diff, current, desired));
  if (rendersMonitoring(desired)) {
    const action: ChangeAction =
      !current || !rendersMonitoring(current)
        ? "create"
        : monitoringInputs(current) === monitoringInputs(desired)
          ? "noop"
          : "update";
    const serviceSteps = steps.filter((s) => s.kind === "service" && s.action !== "delete").map((s) => s.id);
    steps.push({
      id: "monitoring",
      kind: "monitoring",
      action,
      dependsOn: ["network", ...serviceSteps],
      description: describe(action, `monitoring: ${monitoringSummary(desired)}`),
    });
  }
  const levels = topologicalLevels(steps);
  return {
    app: desired.name,
    environment: desired.environment,
    target: desired.target,
    steps: levels.flat(),
    levels: levels.map((level) => level.map((s) => s.id)),
    diff,
  };
}

function volumeStep(v: VolumeStepInput, dependsOn: readonly string[]): PlanStep {
  return {
    id: v.id,
    kind: "volume",
    action: v.action,
    component: v.service,
    volume: v.volume,
    dependsOn,
    description: v.description,
    ...(v.fields ? { fields: v.fields } : {}),
  };
}

/** Steps that remove what the current spec has and the desired one drops: ingress, then services, then data. */
function removalSteps(
  diff: SpecDiff,
  current: DeploymentSpec | undefined,
  desired: DeploymentSpec,
  destroying = false,
): PlanStep[] {
  if (!current) return [];
  const kinds = componentKinds(current);
  const removed = new Set(diff.components.filter((c) => c.action === "delete").map((c) => c.name));
  const steps: PlanStep[] = [];
  for (const s of current.services) {
    const keep = desired.services.find((d) => d.name === s.name);
    if (ingressWanted(current, s) && !ingressWanted(desired, keep)) {
      steps.push({
        id: `remove-ingress:${s.name}`,
        kind: "ingress",
        action: "delete",
        component: s.name,
        dependsOn: [],
        description: describe("delete", `public endpoint for ${s.name}`),
      });
    }
  }
  for (const change of diff.components) {
    if (change.action !== "delete") continue;
    const kind = kinds.get(change.name) ?? "service";
    // Data goes only after every removed service that used it is gone.
    const users = current.services
      .filter((s) => removed.has(s.name) && s.dependsOn.includes(change.name))
      .map((s) => `remove-service:${s.name}`);
    const ingress = steps.some((s) => s.id === `remove-ingress:${change.name}`)
      ? [`remove-ingress:${change.name}`]
      : [];
    steps.push({
      id: `remove-${kind}:${change.name}`,
      kind,
      action: "delete",
      component: change.name,
      dependsOn: [...ingress, ...users],
      description: describe("delete", `${kind} ${change.name}`),
    });
  }
  for (const v of volumeRemovals(current, destroying ? undefined : desired)) {
    const service = `remove-service:${v.service}`;
    steps.push(volumeStep(v, steps.some((s) => s.id === service) ? [service] : []));
  }
  return steps;
}

/** Removes everything `current` has: ingress, services, data, then credentials and the network. */
export function buildDestroyPlan(current: DeploymentSpec): Plan {
  const empty: DeploymentSpec = {
    ...current,
    services: [],
    databases: [],
    caches: [],
    queues: [],
    buckets: [],
    monitoring: { enabled: false },
  };
  const diff = diffSpecs(current, empty);
  const steps = removalSteps(diff, current, empty, true);
  const everything = steps.map((s) => s.id);
  if (rendersMonitoring(current)) {
    steps.unshift({
      id: "remove-monitoring",
      kind: "monitoring",
      action: "delete",
      dependsOn: [],
      description: describe("delete", "monitoring"),
    });
  }
  if (rendersCredentials(current)) {
    steps.push({
      id: "remove-secrets",
      kind: "secrets",
      action: "delete",
      dependsOn: everything,
      description: describe("delete", "generated credentials"),
    });
  }
  steps.push({
    id: "remove-network",
    kind: "network",
    action: "delete",
    dependsOn: steps.map((s) => s.id),
    description: describe("delete", `network for ${current.name}-${current.environment}`),
  });
  const levels = topologicalLevels(steps);
  return {
    app: current.name,
    environment: current.environment,
    target: current.target,
    steps: levels.flat(),
    levels: levels.map((l) => l.map((s) => s.id)),
    diff,
  };
}
