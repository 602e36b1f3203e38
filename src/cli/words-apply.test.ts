/**
 * Words through `apply` and `interpret` (null provider, a real SQLite store):
 * only deploy and scale run, other actions are routed to their command, open
 * questions block unless --accept-assumptions, words naming a running app
 * amend it, and `interpret > spec.yaml` round-trips through validate and apply.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { openStateStore } from "../state/index.js";
import { main } from "./main.js";
import { captureIo } from "./test-io.js";

const work = mkdtempSync(join(tmpdir(), "codeploy-cli-words-"));
const home = join(work, "home");
const run = async (argv: string[]) => {
  const io = captureIo({ cwd: work, env: { CODEPLOY_HOME: home, CODEPLOY_ACTOR: "tester" } });
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
};

describe("apply with words", () => {
  it("refuses a tear-down and names the destroy command; nothing is recorded", async () => {
    const r = await run(["apply", "tear down the shop in staging", "--yes", "--provider", "null"]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("codeploy destroy shop --env staging");
    const status = await run(["status", "--json"]);
    expect(status.out).not.toContain('"shop"');
  });

  it("refuses a question and a rollback with their commands", async () => {
    const q = await run(["apply", "what is running for shop in staging?", "--yes", "--provider", "null"]);
    expect(q.code).toBe(1);
    expect(q.err).toContain("codeploy status shop --env staging");
    const rb = await run([
      "apply",
      "roll back the shop in staging to revision 3",
      "--yes",
      "--provider",
      "null",
    ]);
    expect(rb.code).toBe(1);
    expect(rb.err).toContain("codeploy rollback shop --env staging --to 3");
  });

  it("blocks open questions unless --accept-assumptions", async () => {
    const words = "deploy nginx:1.27 with a search engine to staging";
    const blocked = await run(["apply", words, "--yes", "--provider", "null"]);
    expect(blocked.code).toBe(1);
    expect(blocked.err).toContain("search engine");
    expect(blocked.err).toContain("--accept-assumptions");
    const ok = await run(["apply", words, "--yes", "--accept-assumptions", "--provider", "null"]);
    expect(ok.code, ok.err).toBe(0);
  });

  it("amends the app the words name as it runs (scale keeps everything else)", async () => {
    const first = await run([
      "apply",
      "deploy nginx:1.27 as nc-web with 1 replica to staging",
      "--yes",
      "--provider",
      "null",
    ]);
    expect(first.code, first.err).toBe(0);
    const scaled = await run([
      "apply",
      "scale nc-web to 3 replicas in staging",
      "--yes",
      "--provider",
      "null",
    ]);
    expect(scaled.code, scaled.err).toBe(0);
    const store = await openStateStore({ home });
    try {
      const { currentSpec } = await import("../engine/deploy.js");
      const spec = await currentSpec(store, "nc-web", "staging");
      expect(spec?.services.map((s) => [s.image, s.replicas])).toEqual([["nginx:1.27", 3]]);
      expect(await currentSpec(store, "app", "staging")).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it("an unnamed request never replaces an app called app", async () => {
    const first = await run([
      "apply",
      "deploy a web frontend with postgres to qa",
      "--yes",
      "--accept-assumptions",
      // No image is named: a plan error on docker, accepted here (the null provider runs nothing).
      "--accept-risk",
      "--provider",
      "null",
    ]);
    expect(first.code, first.err).toBe(0);
    const second = await run([
      "apply",
      "deploy a worker with redis to qa",
      "--yes",
      "--accept-assumptions",
      // No image is named: a plan error on docker, accepted here (the null provider runs nothing).
      "--accept-risk",
      "--provider",
      "null",
    ]);
    expect(second.code).toBe(1);
    expect(second.err).toContain("already runs in qa");
  });
});

describe("interpret > spec.yaml", () => {
  it("prints YAML that validate accepts and apply runs; rollback targets are kept in --json", async () => {
    const r = await run(["interpret", "deploy nginx:1.27 as edge-proxy on port 8080 to staging"]);
    expect(r.code).toBe(0);
    expect(parse(r.out)).toMatchObject({ name: "edge-proxy", environment: "staging" });
    writeFileSync(join(work, "spec.yaml"), r.out);
    expect((await run(["validate", "spec.yaml"])).code).toBe(0);
    const applied = await run(["apply", "spec.yaml", "--yes", "--provider", "null"]);
    expect(applied.code, applied.err).toBe(0);
    const rb = await run(["interpret", "roll the shop back to revision 3", "--json"]);
    expect(JSON.parse(rb.out)).toMatchObject({ action: "rollback", rollback: { revision: 3 } });
  });
});
