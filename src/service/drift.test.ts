/**
 * The provider-independent half of drift: ignore rules and their defaults,
 * the `drift:` configuration, and the CLI's exit codes on a real SQLite store
 * (an app that was never applied, and one applied with the null provider,
 * which cannot tell drift, both end in 1 with the reason).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../cli/main.js";
import { captureIo } from "../cli/test-io.js";
import { configSchema } from "../core/config.js";
import type { DriftItem } from "../engine/drift.js";
import { validateSpec } from "../spec/validate.js";
import { countResources, ignoredBy } from "./drift.js";

const spec = validateSpec({
  name: "shop",
  environment: "staging",
  services: [
    { name: "web", image: "acme/web:1", port: 8080, autoscale: { min: 2, max: 6 } },
    { name: "api", image: "acme/api:1", port: 9090, replicas: 2 },
  ],
});

const item = (over: Partial<DriftItem>): DriftItem => ({
  kind: "Deployment",
  name: "Deployment/web",
  service: "web",
  change: "changed",
  path: "/spec/replicas",
  ...over,
});

describe("drift.ignore", () => {
  it("leaves out the replica count of autoscaled services by default, not of fixed ones, and not when switched off", () => {
    expect(ignoredBy(item({}), spec, undefined)).toBe(true);
    expect(ignoredBy(item({ service: "api", name: "Deployment/api" }), spec, undefined)).toBe(false);
    expect(ignoredBy(item({}), spec, { ignore: [], ignoreAutoscaledReplicas: false })).toBe(false);
    expect(ignoredBy(item({ path: "/spec/template/spec/containers/web/image" }), spec, undefined)).toBe(
      false,
    );
  });

  it("matches rules by kind (or *), JSON pointer prefix, app and environment; never a whole object", () => {
    const rules = {
      ignore: [
        { kind: "container", paths: ["/env/LOG_LEVEL"] },
        { kind: "*", paths: ["/metadata/annotations"], environments: ["production"] },
        { kind: "Deployment", paths: ["/spec/template"], apps: ["other"] },
      ],
    };
    const env = item({ kind: "container", path: "/env/LOG_LEVEL" });
    expect(ignoredBy(env, spec, rules)).toBe(true);
    expect(ignoredBy({ ...env, path: "/env/LOG_LEVELS" }, spec, rules)).toBe(false);
    expect(ignoredBy({ ...env, kind: "Deployment" }, spec, rules)).toBe(false);
    expect(ignoredBy(item({ path: "/metadata/annotations/x" }), spec, rules)).toBe(false);
    expect(
      ignoredBy(item({ path: "/metadata/annotations/x" }), { ...spec, environment: "production" }, rules),
    ).toBe(true);
    expect(ignoredBy(item({ path: "/spec/template/spec" }), spec, rules)).toBe(false);
    expect(ignoredBy(item({ kind: "container", change: "missing", path: "" }), spec, rules)).toBe(false);
  });

  it("counts drifted objects, not fields", () => {
    expect(countResources([item({}), item({ path: "/spec/x" }), item({ name: "Deployment/api" })])).toBe(2);
  });

  it("checks the configuration: pointers, bounds", () => {
    const parse = (drift: unknown) => configSchema.safeParse({ drift });
    expect(parse({ ignore: [{ kind: "Deployment", paths: ["/spec/replicas"] }] }).success).toBe(true);
    expect(parse({ ignore: [{ kind: "Deployment", paths: ["spec/replicas"] }] }).success).toBe(false);
    expect(parse({ ignore: [{ kind: "Deployment", paths: [""] }] }).success).toBe(false);
    expect(parse({ intervalMinutes: 0 }).success).toBe(false);
    expect(parse({ concurrency: 100 }).success).toBe(false);
    expect(configSchema.parse({}).drift).toMatchObject({ selfHeal: false, ignoreAutoscaledReplicas: true });
  });
});

const homes: string[] = [];
afterAll(async () => {
  for (const h of homes) await rm(h, { recursive: true, force: true });
});

describe("codeploy drift exit codes", () => {
  it("ends in 1 with the reason for an app never applied, and for one applied with the null provider", async () => {
    const home = mkdtempSync(join(tmpdir(), "cdp-drift-cli-"));
    homes.push(home);
    const run = async (args: string[]) => {
      const io = captureIo({ env: { CODEPLOY_HOME: home }, cwd: home });
      return { code: await main(args, io), out: io.out(), err: io.err() };
    };
    const never = await run(["drift", "shop", "--env", "staging"]);
    expect(never.code).toBe(1);
    expect(never.err).toContain("shop/staging has no applied revision to compare with");
    writeFileSync(join(home, "spec.json"), JSON.stringify({ ...spec, services: [spec.services[1]] }));
    expect((await run(["apply", "spec.json", "--yes", "--provider", "null"])).code).toBe(0);
    const rehearsal = await run(["drift", "shop", "--env", "staging", "--json"]);
    expect(rehearsal.code).toBe(1);
    expect(rehearsal.err).toContain("the null provider that applied shop/staging cannot tell drift");
    expect((await run(["drift", "shop"])).code).toBe(2);
  }, 60_000);
});
