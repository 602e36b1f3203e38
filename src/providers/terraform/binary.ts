/**
 * Which Terraform to run (`terraform` or OpenTofu's `tofu`: whichever is
 * configured, else the first found on PATH) and the environment it runs in:
 * the user's environment plus the variables that make Terraform behave in
 * automation (no prompts, no update checks, no colour).
 */
import { accessSync, constants, existsSync } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";
import { TerraformError } from "./errors.js";

export type Env = Readonly<Record<string, string | undefined>>;

export type Flavor = "terraform" | "tofu";

export interface TerraformBinary {
  readonly path: string;
  readonly flavor: Flavor;
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, env: Env): string | undefined {
  if (isAbsolute(name) || name.includes("/")) return executable(name) ? name : undefined;
  const dirs = (env.PATH ?? "").split(delimiter).filter((d) => d.length > 0);
  return dirs.map((d) => join(d, name)).find(executable);
}

const flavorOf = (path: string): Flavor => (/tofu[^/]*$/.test(path) ? "tofu" : "terraform");

/** The configured binary, else `terraform`, else `tofu`, on the PATH of `env`. */
export function findTerraform(env: Env, configured?: string): TerraformBinary {
  const names = configured ? [configured] : ["terraform", "tofu"];
  for (const name of names) {
    const path = onPath(name, env);
    if (path) return { path, flavor: flavorOf(path) };
  }
  throw new TerraformError(
    "TF_NOT_FOUND",
    configured
      ? `the configured Terraform binary ${configured} was not found or is not executable`
      : "neither terraform nor tofu was found on PATH",
    {
      hint: "install Terraform >= 1.6 (https://developer.hashicorp.com/terraform/install) or OpenTofu, or set providers.terraform.binary in codeploy.yaml",
    },
  );
}

/** The CLI configuration to use: the user's when it exists, else none (so a stale TF_CLI_CONFIG_FILE does not warn on every run). */
export function cliConfigFile(env: Env, configured?: string): string | undefined {
  if (configured) return configured;
  const fromEnv = env.TF_CLI_CONFIG_FILE;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  const home = env.HOME;
  if (home && existsSync(join(home, ".terraformrc"))) return undefined;
  return "/dev/null";
}

/** The environment Terraform runs in: the user's, with automation settings on top. */
export function terraformEnv(
  env: Env,
  options: { dataDir: string; cliConfigFile?: string; extra?: Readonly<Record<string, string>> },
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  // TF_WORKSPACE would override the workspace CODE selects for the app and environment.
  delete out.TF_WORKSPACE;
  delete out.TF_CLI_CONFIG_FILE;
  const config = cliConfigFile(env, options.cliConfigFile);
  return {
    ...out,
    ...(config ? { TF_CLI_CONFIG_FILE: config } : {}),
    TF_DATA_DIR: options.dataDir,
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    CHECKPOINT_DISABLE: "1",
    NO_COLOR: "1",
    ...options.extra,
  };
}
