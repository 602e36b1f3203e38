/**
 * The Terraform operations of the provider on a rendered module: apply the
 * whole module (init, workspace, plan -out, show -json, checks, apply of that
 * saved plan, state), destroy some addresses, destroy everything, read the
 * state. Each runs inside the workspace's `exclusive` section.
 */
import { existsSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { StepContext } from "../../engine/provider.js";
import type { ArtifactFile, RenderResult } from "../../render/types.js";
import { isProduction } from "../../spec/environment.js";
import type { DeploymentSpec } from "../../spec/schema.js";
import { TerraformError } from "./errors.js";
import type { ChangeCounts, TerraformEvent } from "./events.js";
import { describeTerraformEvent } from "./events.js";
import { BACKEND_FILE, type ModuleWorkspace, syncModuleFiles } from "./module-workspace.js";
import { componentsOf, ownerOfAddress } from "./ownership.js";
import { type PlanDiff, parsePlanJson, type StateSnapshot, summarizeDiff } from "./plan-diff.js";
import type { CallOptions, TerraformCli } from "./terraform-cli.js";

export interface ModuleApplied {
  readonly diff: PlanDiff;
  readonly summary: ChangeCounts | undefined;
  readonly state: StateSnapshot;
}

export interface RunContext {
  readonly ws: ModuleWorkspace;
  readonly spec: DeploymentSpec;
  readonly environment: string;
  readonly revision: number;
  readonly artifacts: StepContext["artifacts"];
  readonly signal: AbortSignal;
  readonly log: (message: string) => void;
  readonly extraFiles: readonly ArtifactFile[];
  readonly allowDataLoss: boolean;
}

export const moduleDirOf = (ws: ModuleWorkspace) => join(ws.workDir, "module");

/** The rendered files (without their `terraform/` folder), CODE's backend block, and any extra files. */
function moduleFiles(run: RunContext): ArtifactFile[] {
  if (run.artifacts.target !== "terraform") {
    throw new TerraformError(
      "TF_WRONG_TARGET",
      `the terraform provider deploys Terraform modules, but this spec renders for ${run.artifacts.target}`,
      { hint: "set `target: terraform` in the spec, or deploy with the provider of its target" },
    );
  }
  const rendered = run.artifacts.files
    .filter((f) => f.path.startsWith("terraform/"))
    .map((f) => ({ path: f.path.slice("terraform/".length), content: f.content }));
  return [...rendered, { path: BACKEND_FILE, content: run.ws.backend.block }, ...run.extraFiles];
}

function callOf(run: RunContext): CallOptions {
  return {
    signal: run.signal,
    onEvent: (e: TerraformEvent) => {
      const line = describeTerraformEvent(e);
      if (line) run.log(line);
    },
  };
}

/** Folders already written and initialised in a run (one run shares one artifacts object). */
const prepared = new WeakMap<RenderResult, Set<string>>();

/** Writes the module, runs init and selects the workspace (once per run); returns the CLI for it. */
export async function ready(run: RunContext): Promise<TerraformCli> {
  const dir = moduleDirOf(run.ws);
  const cli = run.ws.cli(dir, (line) => run.log(`$ ${line}`));
  const done = prepared.get(run.artifacts) ?? new Set<string>();
  if (done.has(dir)) return cli;
  await run.ws.ensureWorkDir();
  await syncModuleFiles(dir, moduleFiles(run));
  await run.ws.prepare(cli, false, callOf(run));
  await mkdir(run.ws.planDir, { recursive: true });
  done.add(dir);
  prepared.set(run.artifacts, done);
  return cli;
}

/**
 * Refuses, before anything is applied, a production plan that replaces or
 * deletes resources of a database, cache, queue or bucket that the spec keeps:
 * their data would be lost. Elsewhere it only warns.
 */
export function checkDataLoss(
  diff: PlanDiff,
  run: Pick<RunContext, "spec" | "environment" | "allowDataLoss" | "log">,
): void {
  const components = componentsOf(run.spec).filter((c) => c.kind !== "service");
  const risky = diff.changes.filter(
    (c) => (c.kind === "replace" || c.kind === "delete") && ownerOfAddress(c.address, components),
  );
  if (risky.length === 0) return;
  const names = risky.map(
    (c) =>
      `${c.address} (${c.kind}, ${ownerOfAddress(c.address, components)?.kind} ${ownerOfAddress(c.address, components)?.name})`,
  );
  if (isProduction(run) && !run.allowDataLoss) {
    throw new TerraformError(
      "TF_DATA_LOSS",
      `terraform would ${risky.length === 1 ? "replace or delete a data resource" : "replace or delete data resources"} that the spec keeps: ${names.join(", ")}`,
      {
        hint: "nothing was changed; this loses the data in production. Change the spec so the resource is kept, or set providers.terraform.allowDataLoss: true for this apply",
      },
    );
  }
  run.log(`warning: data resources will be replaced or deleted: ${names.join(", ")}`);
}

/** init, plan -out, show -json, checks, apply of the saved plan, state. */
export async function applyModule(run: RunContext): Promise<ModuleApplied> {
  const cli = await ready(run);
  const call = callOf(run);
  const planFile = join(run.ws.planDir, `apply-r${run.revision}.tfplan`);
  try {
    const planned = await cli.plan({ out: planFile, ...call });
    let diff: PlanDiff = parsePlanJson({});
    let summary: ChangeCounts | undefined;
    if (planned.changes) {
      diff = await cli.showPlan(planFile, call);
      run.log(`terraform plan (workspace ${run.ws.workspace}): ${summarizeDiff(diff)}`);
      checkDataLoss(diff, run);
      summary = await cli.apply(planFile, call);
    } else {
      run.log(`terraform plan (workspace ${run.ws.workspace}): no changes`);
    }
    return { diff, summary, state: await cli.showState(call) };
  } finally {
    await rm(planFile, { force: true });
  }
}

/** Destroys `targets` (every resource when undefined) through a saved destroy plan; returns what is left. */
export async function destroyModule(
  run: RunContext,
  targets?: (addresses: readonly string[]) => string[],
): Promise<{ destroyed: string[]; left: string[] }> {
  const cli = await ready(run);
  const call = callOf(run);
  const before = await cli.stateList(call);
  const chosen = targets ? targets(before) : before;
  if (chosen.length === 0) return { destroyed: [], left: before };
  const planFile = join(run.ws.planDir, `destroy-r${run.revision}.tfplan`);
  try {
    const planned = await cli.plan({
      out: planFile,
      destroy: true,
      ...(targets ? { targets: chosen } : {}),
      ...call,
    });
    if (planned.changes) await cli.apply(planFile, call);
  } finally {
    await rm(planFile, { force: true });
  }
  return { destroyed: chosen, left: await cli.stateList(call) };
}

/** The state, or undefined when nothing was ever applied here. */
export async function readState(
  ws: ModuleWorkspace,
  signal: AbortSignal,
): Promise<StateSnapshot | undefined> {
  const dir = moduleDirOf(ws);
  if (!existsSync(join(dir, BACKEND_FILE)) || !existsSync(ws.dataDir)) return undefined;
  return ws.cli(dir).showState({ signal });
}
