/**
 * Finds a tool that .ci/run builds from a registry (opa, kube-score) or
 * installs (checkov): on the PATH, or cached under ~/.cache/codeploy-tools/<name>-<version>/.
 * Without CI a missing tool skips its tests; with CI=true it fails them.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export function findTool(name: string, versionArgs: readonly string[] = ["version"]): string | undefined {
  const cache = join(homedir(), ".cache", "codeploy-tools");
  const cached = existsSync(cache)
    ? readdirSync(cache)
        .filter((d) => d.startsWith(`${name}-`))
        .sort()
        .reverse()
        .map((d) => join(cache, d, name))
        .filter((p) => existsSync(p))
    : [];
  for (const candidate of [...cached, name]) {
    if (spawnSync(candidate, [...versionArgs], { encoding: "utf8" }).status === 0) return candidate;
  }
  if (process.env.CI) throw new Error(`${name} is missing: .ci/run installs it`);
  return undefined;
}
