/**
 * Rego policies through the real OPA (built from the Go module proxy by
 * .ci/run): findings in the review and in `codeploy plan`, a syntax error
 * with its file and line, and a deadline that stops a policy running long.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { main } from "../src/cli/main.js";
import { captureIo } from "../src/cli/test-io.js";
import { evaluateRego, expandRegoPaths, RegoError, RegoTimeoutError, regoInput } from "../src/policy/rego.js";
import { render } from "../src/render/index.js";
import { reviewWithRego } from "../src/review/edge.js";
import { validateSpec } from "../src/spec/index.js";
import { findTool } from "./helpers/tools.js";

const opa = findTool("opa");
const fixtures = resolve(import.meta.dirname, "fixtures");
const specOf = (file: string, patch: Record<string, unknown> = {}) =>
  validateSpec({ ...parse(readFileSync(join(fixtures, "examples", file), "utf8")), ...patch });

describe.skipIf(!opa)("Rego policies evaluated by opa", () => {
  const rego = (dir: string, deadlineMs = 10_000) => ({
    files: expandRegoPaths([join(fixtures, dir, "*.rego")]),
    ...(opa ? { opa } : {}),
    deadlineMs,
  });

  it("refuses a :latest image in production with the rule's id and path", async () => {
    const review = await reviewWithRego(specOf("risky-prod.yaml"), { rego: rego("rego") });
    const mine = review.findings.filter((f) => f.id === "TEAM-IMG-001");
    expect(mine).toEqual([
      expect.objectContaining({
        severity: "error",
        path: "services[0].image",
        message: "image nginx:latest is not pinned",
      }),
    ]);
    expect(review.approved).toBe(false);
  });

  it("only warns outside production, with the default id and path of a string result", async () => {
    const review = await reviewWithRego(specOf("risky-prod.yaml", { environment: "staging" }), {
      rego: rego("rego"),
    });
    expect(
      review.findings.filter((f) => f.id.startsWith("codeploy.images") || f.id === "TEAM-IMG-001"),
    ).toEqual([expect.objectContaining({ id: "codeploy.images.warn", severity: "warning", path: "spec" })]);
  });

  it("requires a team label on every workload, and is satisfied when the objects carry one", async () => {
    const spec = specOf("rich-prod.yaml");
    const artifacts = render(spec);
    const missing = (await evaluateRego(regoInput(spec, artifacts), rego("rego"))).filter(
      (f) => f.id === "TEAM-LBL-001",
    );
    const workloads = (artifacts.kubernetes ?? []).filter((o) =>
      ["Deployment", "StatefulSet", "CronJob", "Job"].includes(o.kind),
    );
    expect(workloads.length).toBeGreaterThan(1);
    expect(missing.map((f) => f.path).sort()).toEqual(
      workloads.map((o) => `artifact:kubernetes#${o.kind}/${o.metadata.name}.metadata.labels`).sort(),
    );
    const labelled = {
      ...artifacts,
      kubernetes: (artifacts.kubernetes ?? []).map((o) => ({
        ...o,
        metadata: { ...o.metadata, labels: { ...o.metadata.labels, team: "shop" } },
      })),
    };
    const after = await evaluateRego(regoInput(spec, labelled), rego("rego"));
    expect(after.filter((f) => f.id === "TEAM-LBL-001")).toEqual([]);
  });

  it("never hands Secret data to a policy", () => {
    const spec = specOf("rich-prod.yaml");
    const input = regoInput(spec, render(spec, { secretSeed: "s".repeat(32) }));
    const objects = (input.artifacts.kubernetes ?? []) as { kind: string }[];
    const secrets = objects.filter((o) => o.kind === "Secret");
    expect(secrets.length).toBeGreaterThan(0);
    // Only Secrets lose their values: a ConfigMap (the monitoring dashboard) keeps its data for policies.
    for (const o of secrets) expect(JSON.stringify(o)).not.toMatch(/"(data|stringData)":/);
    const values = (render(spec, { secretSeed: "s".repeat(32) }).kubernetes ?? [])
      .filter((o) => o.kind === "Secret")
      .flatMap((o) => Object.values((o.data ?? {}) as Record<string, string>));
    expect(values.length).toBeGreaterThan(0);
    const text = JSON.stringify(input);
    for (const v of values) expect(text).not.toContain(v);
  });

  it("reports a syntax error with the file and line", async () => {
    const error = await evaluateRego(
      regoInput(specOf("rich-prod.yaml"), render(specOf("rich-prod.yaml"))),
      rego("rego-broken"),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegoError);
    expect(String((error as RegoError).message)).toMatch(/broken\.rego:8: /);
  });

  it("stops a policy that runs long at its deadline", async () => {
    const started = Date.now();
    const error = await evaluateRego(
      regoInput(specOf("rich-prod.yaml"), render(specOf("rich-prod.yaml"))),
      rego("rego-slow", 1000),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegoTimeoutError);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it("shows Rego findings in codeploy plan and refuses like built-in errors", async () => {
    const work = mkdtempSync(join(tmpdir(), "codeploy-rego-"));
    writeFileSync(
      join(work, "codeploy.yaml"),
      `policy:\n  rego: [${join(fixtures, "rego")}/*.rego]\n  opa: ${opa}\n  regoTimeoutSeconds: 10\n`,
    );
    const io = captureIo({ cwd: work, env: { CODEPLOY_HOME: join(work, "home") } });
    const code = await main(["plan", join(fixtures, "examples", "rich-prod.yaml")], io);
    expect(io.out()).toMatch(
      /ERROR\s+TEAM-LBL-001 artifact:kubernetes#Deployment\/web\.metadata\.labels: Deployment web has no team label/,
    );
    expect(io.out()).toContain("Result: refused");
    expect(code).toBe(1);
  });
});

describe.skipIf(!opa)("codeploy policy list and policy test", () => {
  const work = mkdtempSync(join(tmpdir(), "codeploy-policy-cli-"));
  writeFileSync(
    join(work, "codeploy.yaml"),
    `policy:\n  rego: [${join(fixtures, "rego")}/*.rego]\n  opa: ${opa}\n  disable: [CODE-OPS-003]\n  severity: { CODE-REL-004: error }\n`,
  );
  const run = async (...argv: string[]) => {
    const io = captureIo({ cwd: work, env: { CODEPLOY_HOME: join(work, "home") } });
    const code = await main(argv, io);
    return { code, out: io.out(), err: io.err() };
  };

  it("lists built-in and Rego rules with source, severity and on/off", async () => {
    const r = await run("policy", "list", "--json");
    expect(r.code).toBe(0);
    const rules = (
      JSON.parse(r.out) as { rules: { id: string; source: string; severity: string; on: boolean }[] }
    ).rules;
    const byId = new Map(rules.map((x) => [x.id, x]));
    expect(byId.get("CODE-SEC-001")).toMatchObject({ source: "built-in", severity: "error", on: true });
    expect(byId.get("CODE-OPS-003")).toMatchObject({ on: false });
    expect(byId.get("CODE-REL-004")).toMatchObject({ severity: "error" });
    expect(byId.get("codeploy.images.deny")).toMatchObject({ severity: "error", on: true });
    expect(byId.get("codeploy.images.warn")).toMatchObject({ severity: "warning" });
    expect(byId.get("codeploy.labels.deny")?.source).toMatch(/^rego .*team\.rego$/);
    const text = await run("policy", "list");
    expect(text.out).toMatch(/CODE-OPS-003\s+built-in\s+\S+\s+off/);
  });

  it("runs a team's pass/fail fixtures and its Rego tests through opa test", async () => {
    const suite = join(fixtures, "rego-suite");
    const io = captureIo({ cwd: work, env: { CODEPLOY_HOME: join(work, "home") } });
    writeFileSync(join(work, "empty.yaml"), `policy:\n  opa: ${opa}\n`);
    const code = await main(["--config", join(work, "empty.yaml"), "policy", "test", suite], io);
    expect(io.out()).toContain("PASS pass/pinned.yaml");
    expect(io.out()).toContain("PASS fail/latest.yaml: refused by CODE-REL-006, TEAM-IMG-001");
    expect(io.out()).toMatch(/test_latest_refused_in_production: PASS/);
    expect(io.out()).toContain("policy fixtures: 2 passed, 0 failed; opa test passed");
    expect(code).toBe(0);
  });

  it("fails when a fail fixture passes policy", async () => {
    const suite = mkdtempSync(join(tmpdir(), "codeploy-policy-suite-"));
    const { mkdirSync, copyFileSync } = await import("node:fs");
    mkdirSync(join(suite, "fail"));
    copyFileSync(join(fixtures, "rego-suite", "pass", "pinned.yaml"), join(suite, "fail", "pinned.yaml"));
    writeFileSync(join(work, "empty.yaml"), `policy:\n  opa: ${opa}\n`);
    const io = captureIo({ cwd: work, env: { CODEPLOY_HOME: join(work, "home") } });
    const code = await main(["--config", join(work, "empty.yaml"), "policy", "test", suite], io);
    expect(io.out()).toContain("FAIL fail/pinned.yaml: passed policy but should be refused");
    expect(code).toBe(1);
  });
});

describe.skipIf(!opa)("Rego findings through the API", () => {
  it("POST /v1/plan shows them, and POST /v1/deployments refuses on them (422 POLICY)", async () => {
    const { keyFor, startHarness } = await import("../src/server/__fixtures__/harness.js");
    const h = await startHarness({
      policy: {
        rego: {
          files: expandRegoPaths([join(fixtures, "rego", "latest.rego")]),
          ...(opa ? { opa } : {}),
          deadlineMs: 10_000,
        },
      },
    });
    try {
      const token = await keyFor(h.store, "ci", "admin");
      const spec = {
        name: "api",
        environment: "production",
        services: [{ name: "web", image: "ghcr.io/acme/web:latest", port: 8080, replicas: 2 }],
      };
      const plan = await h.request("/v1/plan", { method: "POST", token, json: { spec } });
      const body = (await plan.json()) as { approved: boolean; findings: { id: string; path: string }[] };
      expect(plan.status, JSON.stringify(body)).toBe(200);
      expect(body.findings).toContainEqual(
        expect.objectContaining({ id: "TEAM-IMG-001", path: "services[0].image" }),
      );
      expect(body.approved).toBe(false);
      const refused = await h.request("/v1/deployments", { method: "POST", token, json: { spec } });
      expect(refused.status).toBe(422);
      const error = (
        (await refused.json()) as { error: { code: string; details: { findings: { id: string }[] } } }
      ).error;
      expect(error.code).toBe("POLICY");
      expect(error.details.findings.map((f) => f.id)).toContain("TEAM-IMG-001");
    } finally {
      await h.close();
    }
  });
});
