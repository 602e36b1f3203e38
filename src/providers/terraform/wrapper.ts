/**
 * `codeploy terraform plan|apply|destroy DIR`: any existing Terraform module,
 * run safely. `plan` snapshots the module (nothing is written into DIR),
 * runs init, selects the app + environment's workspace, saves the plan and
 * reads it back with `show -json`. `apply` refuses when DIR changed since
 * (content hash), then applies exactly that saved plan, once. A destroy is a
 * saved `plan -destroy`, applied the same way.
 */

import { createHash } from "node:crypto";
import { existsSync, realpathSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join, posix, resolve } from "node:path";
import type { CommandRunner } from "../../core/command-runner.js";
import { declaresBackend } from "./backend.js";
import type { Env } from "./binary.js";
import { TerraformError } from "./errors.js";
import type { ChangeCounts, TerraformEvent } from "./events.js";
import { BACKEND_FILE, ModuleWorkspace } from "./module-workspace.js";
import type { PlanDiff, StateSnapshot } from "./plan-diff.js";
import type { TerraformSettings } from "./settings.js";
import { type ModuleSnapshot, readModuleTree, writeSnapshot } from "./snapshot.js";

export interface WrapperOptions {
  /** CODEPLOY_HOME: snapshots, saved plans and local state go under `terraform/wrap/`. */
  readonly home: string;
  readonly env: Env;
  readonly settings?: TerraformSettings;
  readonly runner?: CommandRunner;
}

export interface WrapTarget {
  /** The module's folder. */
  readonly dir: string;
  readonly app: string;
  readonly environment: string;
  /** @default derived from the module's real path, app and environment (spec/naming.ts) */
  readonly workspace?: string;
  /** The module's real absolute path (symlinks resolved): its folder, workspace, state, saved plan and schema are keyed by it. @default `dir` */
  readonly realPath?: string;
}

export interface WrapCall {
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: TerraformEvent) => void;
  /** Each terraform command line (secrets redacted). */
  readonly onCommand?: (line: string) => void;
}

/** What `plan` saved next to the plan file, and `apply` checks. */
export interface SavedPlan {
  readonly dir: string;
  readonly workspace: string;
  /** sha256 of the module's files (and its local modules) when planned. */
  readonly hash: string;
  readonly destroy: boolean;
  /** Names of the `-var` settings (their values are in the plan file only). */
  readonly vars: readonly string[];
  readonly createdAt: string;
  readonly diff: PlanDiff;
  readonly changes: boolean;
  /** Where the state is: `local (...)`, `pg (schema ...)`, or `the module's own backend`. */
  readonly backend: string;
  /** Path -> sha256 of every file planned, recorded with the revision. */
  readonly files: Readonly<Record<string, string>>;
}

export interface TerraformWrapper {
  plan(
    target: WrapTarget,
    options?: WrapCall & { destroy?: boolean; vars?: Readonly<Record<string, string>> },
  ): Promise<SavedPlan>;
  /** The plan saved by the last `plan` of this target, if any. */
  saved(target: WrapTarget): Promise<SavedPlan | undefined>;
  /** The saved plan, after checking that the module did not change since; throws TF_NO_PLAN or TF_PLAN_CHANGED. */
  verify(target: WrapTarget): Promise<SavedPlan>;
  /** Applies exactly the saved plan; refuses when the module changed since. */
  apply(
    target: WrapTarget,
    options?: WrapCall,
  ): Promise<{ plan: SavedPlan; summary: ChangeCounts | undefined }>;
  state(target: WrapTarget, options?: WrapCall): Promise<StateSnapshot>;
}

interface Paths {
  readonly ws: ModuleWorkspace;
  readonly snapshotDir: string;
  readonly planFile: string;
  readonly metaFile: string;
}

/** The module's real absolute path (symlinks resolved); the resolved path when it does not exist (yet). */
function realPathOf(dir: string): string {
  try {
    return realpathSync(resolve(dir));
  } catch {
    return resolve(dir);
  }
}

function pathsOf(options: WrapperOptions, target: WrapTarget): Paths {
  const ws = new ModuleWorkspace({
    home: options.home,
    app: target.app,
    environment: target.environment,
    purpose: "wrap",
    key: target.realPath ?? realPathOf(target.dir),
    env: options.env,
    settings: options.settings ?? {},
    ...(target.workspace ? { workspace: target.workspace } : {}),
    ...(options.runner ? { runner: options.runner } : {}),
  });
  return {
    ws,
    snapshotDir: join(ws.workDir, "src"),
    planFile: join(ws.planDir, "saved.tfplan"),
    metaFile: join(ws.planDir, "saved.json"),
  };
}

async function readSaved(p: Paths): Promise<SavedPlan | undefined> {
  if (!existsSync(p.metaFile) || !existsSync(p.planFile)) return undefined;
  const parsed: unknown = JSON.parse(await readFile(p.metaFile, "utf8"));
  return isSavedPlan(parsed) ? parsed : undefined;
}

function isSavedPlan(value: unknown): value is SavedPlan {
  if (typeof value !== "object" || value === null) return false;
  const v: Record<string, unknown> = { ...value };
  return typeof v.hash === "string" && typeof v.dir === "string" && typeof v.diff === "object";
}

/** The root module's own files (not those of its local modules): only they can declare its backend. */
function rootModuleFiles(snapshot: ModuleSnapshot): { path: string; content: string }[] {
  return snapshot.files
    .filter((f) => posix.dirname(f.path) === (snapshot.modulePath || "."))
    .map((f) => ({ path: f.path, content: f.content.toString("utf8") }));
}

const sha = (content: Buffer) => createHash("sha256").update(content).digest("hex");

async function plan(
  options: WrapperOptions,
  target: WrapTarget,
  call: WrapCall & { destroy?: boolean; vars?: Readonly<Record<string, string>> },
): Promise<SavedPlan> {
  const p = pathsOf(options, target);
  const dir = resolve(target.dir);
  const snapshot = await readModuleTree(dir);
  return p.ws.exclusive(async () => {
    await rm(p.metaFile, { force: true });
    await p.ws.ensureWorkDir();
    const moduleDir = await writeSnapshot(snapshot, p.snapshotDir);
    const own = declaresBackend(rootModuleFiles(snapshot));
    if (!own) await writeFile(join(moduleDir, BACKEND_FILE), p.ws.backend.block);
    const cli = p.ws.cli(moduleDir, call.onCommand);
    const tfCall = {
      ...(call.signal ? { signal: call.signal } : {}),
      ...(call.onEvent ? { onEvent: call.onEvent } : {}),
    };
    await p.ws.prepare(cli, own, tfCall);
    await mkdir(p.ws.planDir, { recursive: true });
    const vars = call.vars ?? {};
    const planned = await cli.plan({ out: p.planFile, destroy: call.destroy ?? false, vars, ...tfCall });
    const diff = await cli.showPlan(p.planFile, tfCall);
    const saved: SavedPlan = {
      dir,
      workspace: p.ws.workspace,
      hash: snapshot.hash,
      destroy: call.destroy ?? false,
      vars: Object.keys(vars),
      createdAt: new Date().toISOString(),
      diff,
      changes: planned.changes,
      backend: own ? "the module's own backend" : p.ws.backend.description,
      files: Object.fromEntries(snapshot.files.map((f) => [f.path, sha(f.content)])),
    };
    await writeFile(p.metaFile, `${JSON.stringify(saved, null, 2)}\n`);
    return saved;
  });
}

/** The saved plan of `target`, checked against the module as it is now. */
async function verified(p: Paths, target: WrapTarget): Promise<{ saved: SavedPlan; modulePath: string }> {
  const dir = resolve(target.dir);
  const saved = await readSaved(p);
  if (!saved || saved.dir !== dir) {
    throw new TerraformError("TF_NO_PLAN", `no saved plan for ${target.dir} (workspace ${p.ws.workspace})`, {
      hint: `run \`codeploy terraform plan ${target.dir}\` first, review it, then apply`,
    });
  }
  const now = await readModuleTree(dir);
  if (now.hash !== saved.hash) {
    throw new TerraformError(
      "TF_PLAN_CHANGED",
      `${target.dir} changed since it was planned at ${saved.createdAt}: the saved plan no longer matches it`,
      { hint: `run \`codeploy terraform plan ${target.dir}\` again and review the new plan` },
    );
  }
  return { saved, modulePath: now.modulePath };
}

async function apply(options: WrapperOptions, target: WrapTarget, call: WrapCall) {
  const p = pathsOf(options, target);
  return p.ws.exclusive(async () => {
    const { saved, modulePath } = await verified(p, target);
    const moduleDir = join(p.snapshotDir, ...modulePath.split("/").filter(Boolean));
    const cli = p.ws.cli(moduleDir, call.onCommand);
    const tfCall = {
      ...(call.signal ? { signal: call.signal } : {}),
      ...(call.onEvent ? { onEvent: call.onEvent } : {}),
    };
    try {
      const summary = await cli.apply(p.planFile, tfCall);
      return { plan: saved, summary };
    } finally {
      // A saved plan applies once: whatever happened, the next apply needs a new plan.
      await rm(p.planFile, { force: true });
      await rm(p.metaFile, { force: true });
    }
  });
}

export function terraformWrapper(options: WrapperOptions): TerraformWrapper {
  return {
    plan: (target, call = {}) => plan(options, target, call),
    saved: (target) => readSaved(pathsOf(options, target)),
    verify: async (target) => (await verified(pathsOf(options, target), target)).saved,
    apply: (target, call = {}) => apply(options, target, call),
    async state(target, call = {}) {
      const p = pathsOf(options, target);
      const tree = await readModuleTree(target.dir);
      const moduleDir = join(p.snapshotDir, ...tree.modulePath.split("/").filter(Boolean));
      return p.ws.exclusive(() =>
        p.ws.cli(moduleDir, call.onCommand).showState(call.signal ? { signal: call.signal } : {}),
      );
    },
  };
}
