/** What the `codeploy terraform` commands share: settings, the wrapper, the target module, the review. */
import { realpath } from "node:fs/promises";
import { homedir } from "node:os";
import { basename, relative, resolve } from "node:path";
import type { CodeployConfig } from "../../core/config.js";
import { UsageError } from "../../core/errors.js";
import { hasErrors } from "../../policy/index.js";
import { parseTerraformSettings } from "../../providers/terraform/settings.js";
import {
  type SavedPlan,
  type TerraformWrapper,
  terraformWrapper,
  type WrapTarget,
} from "../../providers/terraform/wrapper.js";
import { namesProduction } from "../../spec/environment.js";
import { moduleAppName } from "../../spec/naming.js";
import type { DeploymentSpec } from "../../spec/schema.js";
import { validateSpec } from "../../spec/validate.js";
import type { CliIo } from "../io.js";
import { policySettings } from "../policy-settings.js";
import { codeployHome } from "../secret-seed.js";
import { loadCliConfig } from "../settings.js";
import { reviewTerraformPlan } from "./terraform-review.js";

export interface TerraformFlags {
  readonly app?: string;
  readonly env?: string;
  readonly workspace?: string;
  readonly var?: readonly string[];
  readonly json?: boolean;
  readonly yes?: boolean;
  readonly acceptRisk?: boolean;
  readonly config?: string;
}

export interface Session {
  readonly config: CodeployConfig;
  readonly wrapper: TerraformWrapper;
  readonly target: WrapTarget;
  readonly spec: DeploymentSpec;
  readonly production: boolean;
  readonly shown: string;
}

/** `~/infra/Network Stack` -> `network-stack`: a kebab-case app name from the folder. */
export function appNameOf(dir: string): string {
  const name = basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return name || "module";
}

export function parseVars(vars: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of vars) {
    const at = v.indexOf("=");
    if (at < 1)
      throw new UsageError(`--var ${v}: expected NAME=VALUE`, { hint: "for example --var region=eu-west-1" });
    out[v.slice(0, at)] = v.slice(at + 1);
  }
  return out;
}

export async function sessionOf(io: CliIo, dir: string, flags: TerraformFlags): Promise<Session> {
  const config = await loadCliConfig(io, flags.config);
  const settings = parseTerraformSettings(Reflect.get(config.providers, "terraform"));
  const configured = config.home?.replace(/^~(?=$|\/)/, homedir());
  const home = configured ? resolve(config.baseDir, configured) : codeployHome(io);
  const absolute = resolve(io.cwd, dir);
  // Keyed by the real path: two folders named alike (envs/prod/network, envs/staging/network) share nothing.
  const real = await realpath(absolute).catch(() => absolute);
  const app = flags.app ?? moduleAppName(real);
  const environment = flags.env ?? flags.workspace ?? "default";
  // The record of a wrapped module: a spec with no components, so other commands read it safely.
  const spec = validateSpec({ name: app, environment, target: "terraform", cloud: "local" });
  const target = {
    dir: absolute,
    realPath: real,
    app,
    environment,
    ...(flags.workspace ? { workspace: flags.workspace } : {}),
  };
  return {
    config,
    wrapper: terraformWrapper({ home, env: io.env, settings }),
    target,
    spec,
    production: namesProduction(environment, flags.workspace ?? ""),
    shown: relative(io.cwd, absolute) || ".",
  };
}

export async function review(s: Session, saved: SavedPlan) {
  const policy = await policySettings(s.config);
  return reviewTerraformPlan(saved, s.spec, { ...policy, production: s.production });
}

export function planJson(s: Session, saved: SavedPlan, findings: Awaited<ReturnType<typeof review>>) {
  const { creates, updates, replaces, deletes } = saved.diff;
  return {
    app: s.spec.name,
    environment: s.spec.environment,
    workspace: saved.workspace,
    dir: saved.dir,
    backend: saved.backend,
    destroy: saved.destroy,
    changes: { creates, updates, replaces, deletes },
    findings,
    approved: !hasErrors(findings),
  };
}
