/**
 * Crash safety with a real child process: `kill -9` of `codeploy apply` in the
 * middle loses no recorded event, `status` then reports the deployment as
 * interrupted, and applying the same spec again converges.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { main } from "../src/cli/main.js";
import { captureIo } from "../src/cli/test-io.js";
import { openStateStore } from "../src/state/index.js";

const root = resolve(import.meta.dirname, "..");
const work = mkdtempSync(join(tmpdir(), "codeploy-crash-"));
const home = join(work, "home");
const env = { ...process.env, CODEPLOY_HOME: home, CODEPLOY_ACTOR: "crash-test" };
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
});

const spec = {
  name: "crashy",
  environment: "staging",
  services: Array.from({ length: 12 }, (_, i) => ({
    name: `svc-${i}`,
    image: `acme/svc:${i}`,
    port: 8080,
    healthCheck: { path: "/" },
    resources: { cpu: "100m", memory: "64Mi" },
  })),
};
writeFileSync(join(work, "spec.yaml"), stringify(spec));
writeFileSync(join(work, "codeploy.yaml"), stringify({ providers: { null: { delayMs: 150 } } }));

function startApply(): ChildProcess {
  const child = spawn(
    process.execPath,
    [
      "--import",
      pathToFileURL(join(root, "node_modules/tsx/dist/loader.mjs")).href,
      join(root, "test/helpers/cli-entry.ts"),
      "apply",
      "spec.yaml",
      "--yes",
      "--provider",
      "null",
      "--parallelism",
      "2",
    ],
    {
      cwd: work,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  children.push(child);
  return child;
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const value = await fn();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("kill -9 during apply", () => {
  it("keeps every recorded event, reports interrupted, and converges on the next apply", async () => {
    const child = startApply();
    let stderr = "";
    child.stderr?.on("data", (d) => {
      stderr += String(d);
    });
    const store = await openStateStore({ home });
    try {
      const seen = await waitFor("a few steps to succeed", async () => {
        const [d] = await store.listDeployments({ app: "crashy" });
        if (!d) return undefined;
        const events = await store.listEvents(d.id);
        return events.filter((e) => e.type === "step-succeeded").length >= 3
          ? { id: d.id, count: events.length }
          : undefined;
      }).catch((error: Error) => {
        throw new Error(`${error.message}; child stderr: ${stderr}`);
      });
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));

      const events = await store.listEvents(seen.id);
      expect(events.length).toBeGreaterThanOrEqual(seen.count);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect(events.some((e) => e.type === "run-finished")).toBe(false);
      // The killed apply left its start in the audit log, and no end.
      const trace = (await store.listAudit()).filter((r) => r.target === "crashy/staging");
      expect(trace.map((r) => [r.command, r.outcome, r.actor])).toEqual([["apply", "started", "crash-test"]]);
      expect(trace[0]?.details).toMatchObject({ deployment: seen.id, app: "crashy", environment: "staging" });

      const io = captureIo({ cwd: work, env: { CODEPLOY_HOME: home } });
      expect(await main(["status", "crashy", "--json"], io)).toBe(0);
      const status = JSON.parse(io.out()) as { environments: { lastDeployment: { state: string } }[] };
      expect(status.environments[0]?.lastDeployment.state).toBe("interrupted");

      const again = captureIo({ cwd: work, env: { CODEPLOY_HOME: home, CODEPLOY_ACTOR: "crash-test" } });
      const code = await main(["apply", "spec.yaml", "--yes", "--provider", "null"], again);
      expect(again.err()).toBe("");
      expect(code).toBe(0);
      const [latest] = await store.listDeployments({ app: "crashy" });
      expect(latest?.outcome).toBe("succeeded");
    } finally {
      await store.close();
    }
  }, 60_000);
});
