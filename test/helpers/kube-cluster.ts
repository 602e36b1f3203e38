/**
 * A real Kubernetes control plane for integration tests (scripts/kube-up.sh:
 * etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok).
 *
 * CODEPLOY_TEST_KUBECONFIG names one already running (.ci/run starts one for
 * the whole suite); otherwise each test file starts its own in a temporary
 * directory and stops it at the end. The binaries are never built here (that
 * takes ~20 minutes): when they are not cached, or the control plane cannot
 * start, the tests skip with the reason, except under CI, where they fail with it.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";

const ROOT = new URL("../..", import.meta.url).pathname;

export interface KubeCluster {
  readonly kubeconfigPath: string;
  /** True when this file started it (and `stop` tears it down). */
  readonly owned: boolean;
  /** Runs kubectl against it; resolves with stdout, rejects with stderr on a non-zero exit. */
  kubectl(args: readonly string[], input?: string): Promise<string>;
  stop(): Promise<void>;
}

function run(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs: number },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? "");
  });
}

function cluster(kubeconfigPath: string, stop: () => Promise<void>, owned: boolean): KubeCluster {
  return {
    kubeconfigPath,
    owned,
    async kubectl(args, input) {
      const out = await run("kubectl", ["--kubeconfig", kubeconfigPath, ...args], {
        timeoutMs: 60_000,
        ...(input !== undefined ? { input } : {}),
      });
      if (out.code !== 0) throw new Error(`kubectl ${args.join(" ")} failed: ${out.stderr.trim()}`);
      return out.stdout;
    },
    stop,
  };
}

function unavailable(reason: string): undefined {
  if (process.env.CI)
    throw new Error(
      `the Kubernetes control plane cannot start: ${reason} (CI is set, so this fails the tests)`,
    );
  console.warn(`skipping real Kubernetes tests: ${reason}`);
  return undefined;
}

/** Call from beforeAll with a timeout of a few minutes (a cold start takes 10-40 s on a loaded machine). */
export async function startKubeCluster(): Promise<KubeCluster | undefined> {
  const given = process.env.CODEPLOY_TEST_KUBECONFIG;
  if (given) {
    if (!existsSync(given)) return unavailable(`CODEPLOY_TEST_KUBECONFIG=${given} does not exist`);
    return cluster(given, async () => {}, false);
  }
  const dir = mkdtempSync(join(tmpdir(), "codeploy-kube-test-"));
  const env = { ...process.env, CODEPLOY_KUBE_DIR: dir, CODEPLOY_KUBE_NO_BUILD: "1" };
  const stop = async () => {
    await run("bash", [join(ROOT, "scripts/kube-down.sh"), "--quiet"], { env, timeoutMs: 30_000 });
  };
  let up: Awaited<ReturnType<typeof run>>;
  try {
    up = await run("bash", [join(ROOT, "scripts/kube-up.sh")], { env, timeoutMs: 240_000 });
  } catch (error) {
    await stop();
    return unavailable(`bash scripts/kube-up.sh: ${(error as Error).message}`);
  }
  const last = up.stdout.trim().split("\n").at(-1) ?? "";
  if (up.code !== 0 || !last.startsWith("KUBECONFIG=")) {
    await stop();
    const why = up.stderr.trim().split("\n").slice(-25).join("\n");
    return unavailable(`scripts/kube-up.sh exited ${up.code}:\n${why}`);
  }
  return cluster(last.slice("KUBECONFIG=".length), stop, true);
}

/**
 * Starts (or joins) the control plane before the file's tests and stops it after;
 * the getter answers undefined when none could start (the test then skips, or
 * fails under CI, with the reason). `when`, asked in beforeAll, can leave it unstarted.
 */
export function useKubeCluster(when: () => boolean = () => true): () => KubeCluster | undefined {
  let kube: KubeCluster | undefined;
  beforeAll(async () => {
    if (when()) kube = await startKubeCluster();
  }, 300_000);
  afterAll(async () => {
    await kube?.stop();
  }, 60_000);
  return () => kube;
}
