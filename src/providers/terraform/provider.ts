/**
 * The terraform provider: deploys the module rendered from the spec.
 *
 * A Terraform module is applied as a whole (Terraform orders and
 * parallelises its own graph), while CODE's plan has one step per component.
 * The mapping keeps each step's report honest:
 * - The first step of a run that reaches the provider, whatever its kind
 *   (normally `network`), writes the module, runs init, plan -out, show -json
 *   (logged, and refused in production when it would lose data), applies
 *   exactly that saved plan and reads the state. Every other step of the same
 *   run waits for that one apply (memoised per run: one run shares one
 *   artifacts object) and then checks its own part: a component step
 *   succeeds only when every resource the module declares for it is in the
 *   state, and returns that component's outputs; a removal step succeeds when
 *   none of its resources is left (Terraform destroyed them, as they are no
 *   longer in the module).
 * - A destroy plan (`codeploy destroy`, or the rollback of a first deploy)
 *   keeps the components in the spec: each component removal destroys that
 *   component's resources (a targeted destroy plan, applied), and
 *   `remove-network`, the last step, destroys whatever is left.
 * - Rollback runs buildPlan(previous, failed) with the previous spec's
 *   artifacts: the whole previous module is applied again, which restores it.
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CommandRunner } from "../../core/command-runner.js";
import type {
  DriftContext,
  DriftItem,
  ObserveContext,
  ObservedResource,
  PlanStep,
  Provider,
  StepContext,
  StepResult,
} from "../../engine/provider.js";
import type { ArtifactFile, RenderResult } from "../../render/types.js";
import { serviceVolumes } from "../../render/volumes.js";
import type { DeploymentSpec } from "../../spec/schema.js";
import { type Env, findTerraform } from "./binary.js";
import { TerraformError } from "./errors.js";
import { applyModule, destroyModule, type ModuleApplied, type RunContext, readState } from "./module-run.js";
import { ModuleWorkspace } from "./module-workspace.js";
import {
  componentOutputs,
  componentsOf,
  expectedResources,
  ownerOfAddress,
  resourceKey,
} from "./ownership.js";
import type { TerraformSettings } from "./settings.js";
import { TerraformCli } from "./terraform-cli.js";

export interface TerraformProviderOptions {
  /** CODEPLOY_HOME: work folders and local state go under `terraform/`. */
  readonly home: string;
  /** The user's environment: PATH, cloud credentials, DATABASE_URL (pg state backend). */
  readonly env: Env;
  /** `providers.terraform` from codeploy.yaml. @default {} */
  readonly settings?: TerraformSettings;
  /** @default runCommand */
  readonly runner?: CommandRunner;
  /** Files added to the module for a spec, such as `*_override.tf` files (tests use it to inject a failing provisioner). @default none */
  readonly extraFiles?: (spec: DeploymentSpec) => readonly ArtifactFile[];
}

const COMPONENT_KINDS = new Set(["service", "database", "cache", "queue", "bucket"]);

/** True when the spec still has what a removal step names: the step belongs to a destroy plan. */
function stillWanted(step: PlanStep, spec: DeploymentSpec): boolean {
  const name = step.component;
  switch (step.kind) {
    case "network":
      return true;
    case "secrets":
      return spec.databases.length + spec.caches.length + spec.queues.length > 0;
    case "monitoring":
      return spec.monitoring.enabled;
    case "ingress":
      return spec.services.some((s) => s.name === name && s.kind === "web" && s.public);
    case "volume":
      return serviceVolumes(spec).some((v) => v.service === name && v.volume === step.volume);
    default:
      return componentsOf(spec).some((c) => c.name === name);
  }
}

function waitFor<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new TerraformError("TF_ABORTED", "the step was cancelled"));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () =>
      reject(new TerraformError("TF_ABORTED", "the step was cancelled while waiting for the module apply"));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}

function verifyStep(
  step: PlanStep,
  ctx: StepContext,
  applied: ModuleApplied,
  ws: ModuleWorkspace,
): StepResult {
  const inState = new Set(applied.state.resources.map((r) => resourceKey(r.address)));
  const component = step.component;
  if (step.action === "delete") {
    const components = componentsOf(ctx.previous ?? ctx.spec);
    const left = applied.state.resources.filter(
      (r) => component && ownerOfAddress(r.address, components)?.name === component,
    );
    if (COMPONENT_KINDS.has(step.kind) && left.length > 0) {
      throw new TerraformError(
        "TF_RESOURCE_MISSING",
        `terraform applied, but ${left.map((r) => r.address).join(", ")} of ${step.kind} ${component} is still in the state`,
        {
          hint: "check `terraform state list` in the workspace; apply again to converge",
        },
      );
    }
    return { message: "removed by the module apply" };
  }
  if (!component || !COMPONENT_KINDS.has(step.kind)) {
    const counts = applied.summary;
    const summary = counts
      ? `${counts.add} added, ${counts.change} changed, ${counts.remove} destroyed`
      : "no changes";
    return {
      message: `terraform apply of the module: ${summary}`,
      outputs: { workspace: ws.workspace, backend: ws.backend.description },
    };
  }
  const components = componentsOf(ctx.spec);
  const expected = expectedResources(ctx.artifacts, component, components);
  const missing = expected.filter((address) => !inState.has(address));
  if (missing.length > 0) {
    throw new TerraformError(
      "TF_RESOURCE_MISSING",
      `terraform applied, but ${missing.join(", ")} of ${step.kind} ${component} is not in the state`,
      {
        hint: "check `terraform state list` in the workspace; apply again to converge",
      },
    );
  }
  return {
    message: expected.length > 0 ? `in the state: ${expected.join(", ")}` : "applied with the module",
    outputs: componentOutputs(applied.state.outputs, component, components),
  };
}

/** Logs a step's result message too: the engine records outputs, and the log keeps the words. */
function reported(ctx: StepContext, result: StepResult): StepResult {
  if (result.message) ctx.log(result.message);
  return result;
}

class TerraformProvider implements Provider {
  readonly name = "terraform";
  private readonly settings: TerraformSettings;
  /** The module apply of each run, keyed by the run's artifacts object. */
  private readonly runs = new WeakMap<RenderResult, Promise<ModuleApplied>>();

  constructor(private readonly options: TerraformProviderOptions) {
    this.settings = options.settings ?? {};
  }

  async preflight(signal: AbortSignal): Promise<void> {
    const binary = findTerraform(this.options.env, this.settings.binary);
    const env = { PATH: this.options.env.PATH ?? "" };
    await new TerraformCli({ binary, dir: tmpdir(), env }).version({ signal });
  }

  async apply(step: PlanStep, ctx: StepContext): Promise<StepResult> {
    const ws = this.workspace(ctx.app, ctx.environment, ctx);
    return reported(ctx, verifyStep(step, ctx, await this.moduleApplied(step, ctx, ws), ws));
  }

  async destroy(step: PlanStep, ctx: StepContext): Promise<StepResult> {
    const ws = this.workspace(ctx.app, ctx.environment, ctx);
    if (!stillWanted(step, ctx.spec)) {
      return reported(ctx, verifyStep(step, ctx, await this.moduleApplied(step, ctx, ws), ws));
    }
    const run = this.runContext(ws, ctx);
    if (step.kind === "network") {
      const { destroyed, left } = await ws.exclusive(() => destroyModule(run));
      if (left.length > 0) {
        throw new TerraformError(
          "TF_RESOURCE_MISSING",
          `terraform destroy left ${left.join(", ")} in the state`,
        );
      }
      const message = `destroyed ${destroyed.length} resource(s); the state of ${ws.workspace} is empty`;
      return reported(ctx, { message });
    }
    if (!COMPONENT_KINDS.has(step.kind) || !step.component) {
      return reported(ctx, { message: "removed with the rest of the module by remove-network" });
    }
    const components = componentsOf(ctx.spec);
    const mine = (addresses: readonly string[]) =>
      addresses.filter((a) => ownerOfAddress(a, components)?.name === step.component);
    const { destroyed } = await ws.exclusive(() => destroyModule(run, mine));
    return reported(ctx, {
      message: destroyed.length > 0 ? `destroyed ${destroyed.join(", ")}` : "already gone",
    });
  }

  /** Read-only: two plans that are never applied and take no state lock (drift.ts). */
  async detectDrift(ctx: DriftContext): Promise<readonly DriftItem[]> {
    const ws = this.workspace(ctx.app, ctx.environment);
    const run = this.runContext(ws, { ...ctx, log: () => {} });
    const { moduleDrift } = await import("./drift.js");
    return ws.exclusive(() => moduleDrift(run));
  }

  async observe(ctx: ObserveContext): Promise<readonly ObservedResource[]> {
    const ws = this.workspace(ctx.app, ctx.environment);
    const state = await ws.exclusive(() => readState(ws, ctx.signal));
    return (state?.resources ?? []).map((r) => ({
      kind: r.type,
      name: r.address,
      status: "running" as const,
      details: { workspace: ws.workspace, module: join(ws.workDir, "module") },
    }));
  }

  private workspace(
    app: string,
    environment: string,
    ctx?: { readonly adopt?: boolean; readonly log?: (message: string) => void },
  ): ModuleWorkspace {
    return new ModuleWorkspace({
      home: this.options.home,
      app,
      environment,
      ...(ctx?.adopt ? { adopt: true } : {}),
      ...(ctx?.log ? { log: ctx.log } : {}),
      purpose: "deploy",
      env: this.options.env,
      settings: this.settings,
      ...(this.options.runner ? { runner: this.options.runner } : {}),
    });
  }

  private runContext(ws: ModuleWorkspace, ctx: StepContext): RunContext {
    return {
      ws,
      spec: ctx.spec,
      environment: ctx.environment,
      revision: ctx.revision,
      artifacts: ctx.artifacts,
      signal: ctx.signal,
      log: ctx.log,
      extraFiles: this.options.extraFiles?.(ctx.spec) ?? [],
      allowDataLoss: this.settings.allowDataLoss ?? false,
    };
  }

  /** The one apply of the whole module for this run, started by whichever step comes first. */
  private moduleApplied(step: PlanStep, ctx: StepContext, ws: ModuleWorkspace): Promise<ModuleApplied> {
    const running = this.runs.get(ctx.artifacts);
    if (running) {
      ctx.log("waiting for the apply of the whole module");
      return waitFor(running, ctx.signal);
    }
    ctx.log(
      `applying the whole module (workspace ${ws.workspace}, state ${ws.backend.description}), started by ${step.id}`,
    );
    const started = ws.exclusive(() => applyModule(this.runContext(ws, ctx)));
    this.runs.set(ctx.artifacts, started);
    // A failed apply is not remembered: a retry or a later run applies again.
    started.catch(() => this.runs.delete(ctx.artifacts));
    return started;
  }
}

export function createTerraformProvider(options: TerraformProviderOptions): Provider {
  return new TerraformProvider(options);
}
