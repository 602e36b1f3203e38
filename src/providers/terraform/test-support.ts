/**
 * For tests: the real terraform CLI when it is installed (skipped with a
 * printed reason when it is not, except under CI where that is a failure),
 * and small helpers to look at a workspace's state.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findTerraform, type TerraformBinary } from "./binary.js";
import { ModuleWorkspace } from "./module-workspace.js";

function detect(): TerraformBinary | undefined {
  try {
    return findTerraform(process.env);
  } catch {
    const reason = "neither terraform nor tofu is on PATH";
    if (process.env.CI) throw new Error(`${reason} (CI is set, so a missing terraform fails the tests)`);
    console.warn(`skipping Terraform tests: ${reason}`);
    return undefined;
  }
}

export const terraformBinary: TerraformBinary | undefined = detect();

export function tempHome(prefix = "codeploy-tf-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** `terraform state list` of a deploy workspace, as the provider set it up. */
export async function stateList(
  home: string,
  app: string,
  environment: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<string[]> {
  const ws = new ModuleWorkspace({ home, app, environment, purpose: "deploy", env, settings: {} });
  return ws.cli(join(ws.workDir, "module")).stateList();
}

/** Plans the deploy workspace's module again (as the provider left it) and says whether anything would change. */
export async function planAgain(home: string, app: string, environment: string): Promise<boolean> {
  const ws = new ModuleWorkspace({
    home,
    app,
    environment,
    purpose: "deploy",
    env: process.env,
    settings: {},
  });
  const out = join(ws.planDir, "check.tfplan");
  const planned = await ws.cli(join(ws.workDir, "module")).plan({ out });
  return planned.changes;
}
