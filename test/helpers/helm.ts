/**
 * The helm binary for tests: $CODEPLOY_HELM (.ci/run sets it), else the one
 * scripts/kube-build.sh --helm built into its cache, else `helm` on the PATH.
 * Missing: the tests skip with the reason, except under CI, where they fail.
 */
import { execFile, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

const ROOT = new URL("../..", import.meta.url).pathname;

export function findHelm(): string | undefined {
  const candidates: string[] = [];
  if (process.env.CODEPLOY_HELM) candidates.push(process.env.CODEPLOY_HELM);
  const cache = spawnSync("bash", [join(ROOT, "scripts/kube-build.sh"), "--helm", "--no-build"], {
    encoding: "utf8",
  });
  if (cache.status === 0) candidates.push(join(cache.stdout.trim().split("\n").at(-1) ?? "", "bin/helm"));
  candidates.push("helm");
  for (const c of candidates) {
    if ((c.includes("/") ? existsSync(c) : true) && spawnSync(c, ["version", "--short"]).status === 0)
      return c;
  }
  const reason = "helm not found (set CODEPLOY_HELM, or build it: bash scripts/kube-build.sh --helm)";
  if (process.env.CI) throw new Error(`${reason} (CI is set, so this fails the tests)`);
  console.warn(`skipping helm tests: ${reason}`);
  return undefined;
}

export function helm(binary: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env) {
  return new Promise<string>((resolve, reject) => {
    execFile(binary, [...args], { env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      error ? reject(new Error(`helm ${args.join(" ")}: ${stderr || error.message}`)) : resolve(stdout),
    );
  });
}
