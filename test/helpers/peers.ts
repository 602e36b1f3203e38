/**
 * The peer scanners a platform team would otherwise run: Checkov (PyPI) and
 * kube-score (the Go module proxy), run on artifacts CODE rendered, their
 * failed checks read from their JSON output as `tool:check` keys.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import type { RenderResult } from "../../src/render/types.js";

export interface PeerFailure {
  /** `checkov:CKV_K8S_15`, `kube-score:container-image-pull-policy`. */
  readonly check: string;
  readonly name: string;
  /** The case folder the failing artifact belongs to. */
  readonly caseName: string;
  readonly resource: string;
}

/** Writes each case's artifacts under root/<case>/ (names from the test, not from input). */
export function writeCases(root: string, cases: ReadonlyMap<string, RenderResult>): void {
  for (const [name, result] of cases) {
    for (const file of result.files) {
      const path = join(root, name, file.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, file.content);
    }
  }
}

function filesUnder(dir: string, suffix: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path, suffix));
    else if (entry.endsWith(suffix)) out.push(path);
  }
  return out.sort();
}

interface CheckovCheck {
  check_id: string;
  check_name: string;
  file_path: string;
  resource: string;
}

/** One Checkov run over every case (kubernetes and terraform frameworks), offline. */
export function runCheckov(checkov: string, root: string): PeerFailure[] {
  const run = spawnSync(
    checkov,
    [
      "-d",
      root,
      "--framework",
      "kubernetes",
      "terraform",
      "--skip-download",
      "-o",
      "json",
      "--quiet",
      "--compact",
    ],
    {
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
      timeout: 600_000,
      env: {
        ...process.env,
        BC_SKIP_MAPPING: "TRUE",
        CHECKOV_RUN_SCA_PACKAGE_SCAN_V2: "false",
        LOG_LEVEL: "ERROR",
      },
    },
  );
  if (run.status !== 0 && run.status !== 1)
    throw new Error(`checkov failed (${run.status}): ${run.stderr.slice(-2000)}`);
  const parsed: unknown = JSON.parse(run.stdout);
  const reports = (Array.isArray(parsed) ? parsed : [parsed]) as {
    results?: { failed_checks?: CheckovCheck[] };
  }[];
  const out: PeerFailure[] = [];
  for (const report of reports) {
    for (const c of report.results?.failed_checks ?? []) {
      out.push({
        check: `checkov:${c.check_id}`,
        name: c.check_name,
        caseName: c.file_path.replace(/^\/+/, "").split("/")[0] ?? "",
        resource: c.resource,
      });
    }
  }
  return out;
}

interface KubeScoreObject {
  object_name: string;
  file_name?: string;
  checks: { check: { id: string; name: string }; grade: number; skipped: boolean }[];
}

/** kube-score over each case's Kubernetes manifests; a check graded warning (5) or critical (1) fails. */
export function runKubeScore(kubeScore: string, root: string): PeerFailure[] {
  const out: PeerFailure[] = [];
  for (const caseName of readdirSync(root).sort()) {
    const files = filesUnder(join(root, caseName), ".yaml").filter(
      (f) => relative(root, f).includes("/kubernetes/") && !f.endsWith("kustomization.yaml"),
    );
    if (files.length === 0) continue;
    const run = spawnSync(kubeScore, ["score", "--output-format", "json", ...files], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      timeout: 120_000,
    });
    if (run.status !== 0 && run.status !== 1)
      throw new Error(`kube-score failed (${run.status}): ${run.stderr.slice(-2000)}`);
    for (const obj of JSON.parse(run.stdout) as KubeScoreObject[]) {
      for (const c of obj.checks) {
        if (c.skipped || c.grade >= 7) continue;
        out.push({
          check: `kube-score:${c.check.id}`,
          name: c.check.name,
          caseName,
          resource: obj.object_name,
        });
      }
    }
  }
  return out;
}
