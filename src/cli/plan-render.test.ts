import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { main } from "./main.js";
import { captureIo } from "./test-io.js";

const examples = resolve(import.meta.dirname, "../../test/fixtures/examples");
const work = mkdtempSync(join(tmpdir(), "codeploy-cli-plan-"));
const run = async (...argv: string[]) => {
  const io = captureIo({ cwd: work, env: { CODEPLOY_HOME: join(work, "home") } });
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
};

interface PlanJson {
  steps: { id: string; kind: string; dependsOn: string[] }[];
  cost: { monthlyUsd: number; currency: string; items: unknown[]; assumptions: string[] };
  findings: { id: string; severity: string; path: string; message: string; hint: string }[];
}

describe("codeploy plan on the shared examples", () => {
  it("plans rich-prod.yaml clean, within $50..$5,000 a month", async () => {
    const r = await run("plan", join(examples, "rich-prod.yaml"), "--json");
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.out) as PlanJson;
    expect(plan.findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(plan.cost.monthlyUsd).toBeGreaterThan(50);
    expect(plan.cost.monthlyUsd).toBeLessThan(5000);
    expect(plan.cost.currency).toBe("USD");
    const ids = plan.steps.map((s) => s.id);
    expect(ids.indexOf("network")).toBeLessThan(ids.indexOf("database:postgres"));
    expect(ids.indexOf("database:postgres")).toBeLessThan(ids.indexOf("service:web"));
    expect(ids.indexOf("service:web")).toBeLessThan(ids.indexOf("ingress:web"));
  });

  it("refuses risky-prod.yaml with a finding for each of its problems", async () => {
    const r = await run("plan", join(examples, "risky-prod.yaml"), "--json");
    expect(r.code).toBe(1);
    const findings = (JSON.parse(r.out) as PlanJson).findings;
    const at = (path: string) => findings.filter((f) => f.path === path).map((f) => f.severity);
    expect(at("services[0].image")).toContain("error"); // nginx:latest in production
    expect(at("services[0].replicas")).toContain("error"); // one replica in production
    expect(at("services[0].tls")).toContain("error"); // public without TLS
    expect(at("services[0].env.DB_PASSWORD")).toContain("error");
    expect(at("services[0].env.API_TOKEN")).toContain("error");
    expect(at("databases[0].backups")).toContain("error");
    expect(at("databases[0].highAvailability")).toContain("warning");
    expect(at("buckets[0].public")).toContain("error");
    expect(at("monitoring.enabled")).toContain("error");
    expect(at("budget.monthlyUsd")).toContain("error");
    expect(r.out).not.toContain("hunter2");
    expect(r.out).not.toContain("abc123secret");
  });

  it("accepts the risk explicitly with --accept-risk, still listing the findings", async () => {
    const r = await run("plan", join(examples, "risky-prod.yaml"), "--accept-risk");
    expect(r.code).toBe(0);
    expect(r.out).toContain("accepted with --accept-risk");
    expect(r.out).toContain("CODE-SEC-001");
  });
});

describe("codeploy plan", () => {
  it("plans from words and shows the steps, the cost and the findings", async () => {
    const r = await run("plan", "deploy the shop with postgres 16 and redis to staging, 3 replicas");
    // The words name no image for the shop: on docker that is a plan error (nothing to run), so exit 1.
    expect(r.code).toBe(1);
    expect(r.out).toContain("CODE-OPS-005");
    expect(r.out).toContain("Plan for shop in staging (docker, local)");
    expect(r.out).toMatch(/Cost estimate: \$0\.00 per month/);
    expect(r.out).toMatch(/Policy: \d+ error\(s\)/);
  });

  it("names the whole cycle when services depend on each other in a circle", async () => {
    const spec = {
      services: [
        { name: "a", image: "a:1", dependsOn: ["b"] },
        { name: "b", image: "b:1", dependsOn: ["a"] },
      ],
    };
    writeFileSync(join(work, "cycle.yaml"), stringify(spec));
    const r = await run("plan", "cycle.yaml");
    expect(r.code).toBe(1);
    expect(r.err).toContain("services[0].dependsOn: dependency cycle: a -> b -> a");
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it("runs custom rules named in codeploy.yaml, and honours disable and severity", async () => {
    const dir = mkdtempSync(join(tmpdir(), "codeploy-rules-"));
    writeFileSync(
      join(dir, "team-rules.mjs"),
      `export const rules = [{ id: "TEAM-001", severity: "error", title: "owner label", description: "every app needs an owner", category: "operations",
        *check({ spec }) { if (!spec.name.startsWith("team-")) yield { path: "name", message: "app name must start with team-", hint: "rename it" }; } }];\n`,
    );
    writeFileSync(
      join(dir, "codeploy.yaml"),
      stringify({ policy: { rules: ["./team-rules.mjs"], disable: ["CODE-REL-004"] } }),
    );
    writeFileSync(
      join(dir, "app.yaml"),
      stringify({ name: "shop", services: [{ name: "web", image: "nginx:1.27" }] }),
    );
    const io = captureIo({ cwd: dir, env: { CODEPLOY_HOME: join(dir, "home") } });
    const code = await main(["plan", "app.yaml", "--json"], io);
    const findings = (JSON.parse(io.out()) as PlanJson).findings;
    expect(code).toBe(1);
    expect(findings.find((f) => f.id === "TEAM-001")).toMatchObject({ severity: "error", path: "name" });
    expect(findings.some((f) => f.id === "CODE-REL-004")).toBe(false);
  });
});

describe("codeploy render", () => {
  it("writes byte-identical artifacts for the same spec, for every target", async () => {
    for (const target of ["docker", "kubernetes", "terraform"]) {
      const a = await run(
        "render",
        "deploy the shop with postgres and redis on aws in eu-west-1",
        "--target",
        target,
        "--out",
        `a-${target}`,
      );
      const b = await run(
        "render",
        "deploy the shop with postgres and redis on aws in eu-west-1",
        "--target",
        target,
        "--out",
        `b-${target}`,
      );
      expect(a.code).toBe(0);
      expect(b.code).toBe(0);
      const files = (dir: string) =>
        readdirSync(join(work, dir), { recursive: true, withFileTypes: true })
          .filter((d) => d.isFile())
          .map((d) => join(d.parentPath, d.name).slice(join(work, dir).length))
          .sort();
      expect(files(`a-${target}`).length).toBeGreaterThan(0);
      expect(files(`a-${target}`)).toEqual(files(`b-${target}`));
      for (const f of files(`a-${target}`)) {
        expect(readFileSync(join(work, `a-${target}`, f), "utf8")).toBe(
          readFileSync(join(work, `b-${target}`, f), "utf8"),
        );
      }
    }
    expect(existsSync(join(work, "a-docker/compose.yaml"))).toBe(true);
    expect(existsSync(join(work, "a-kubernetes/kubernetes/kustomization.yaml"))).toBe(true);
  });

  it("names the ingress class and cert-manager issuer of providers.kubernetes, with defaults", async () => {
    const dir = mkdtempSync(join(tmpdir(), "codeploy-ingress-"));
    const words =
      "deploy ghcr.io/acme/shop:1.4 on port 8080 to staging on kubernetes behind https://shop.example.com";
    const ingressOf = async (out: string) => {
      const io = captureIo({ cwd: dir, env: { CODEPLOY_HOME: join(dir, "home") } });
      expect(await main(["render", words, "--out", out], io)).toBe(0);
      const folder = join(dir, out, "kubernetes");
      const file = readdirSync(folder).find((f) => f.startsWith("ingress-"));
      return readFileSync(join(folder, file ?? "missing"), "utf8");
    };
    const defaults = await ingressOf("defaults");
    expect(defaults).toContain("ingressClassName: nginx");
    expect(defaults).toContain("cert-manager.io/cluster-issuer: letsencrypt");
    writeFileSync(
      join(dir, "codeploy.yaml"),
      stringify({ providers: { kubernetes: { ingressClassName: "traefik", clusterIssuer: "corp-ca" } } }),
    );
    const configured = await ingressOf("configured");
    expect(configured).toContain("ingressClassName: traefik");
    expect(configured).toContain("cert-manager.io/cluster-issuer: corp-ca");
  });
});

describe("codeploy interpret", () => {
  it("prints JSON with action, spec, assumptions, questions and interpreter", async () => {
    const r = await run("interpret", "deploy nginx with 3 replicas to staging", "--json");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as {
      action: string;
      spec: { environment: string };
      assumptions: string[];
      questions: string[];
      interpreter: string;
    };
    expect(out).toMatchObject({ action: "deploy", interpreter: "rules", spec: { environment: "staging" } });
    expect(Array.isArray(out.assumptions)).toBe(true);
  });

  it("prints a readable summary without --json, and amends a base spec", async () => {
    writeFileSync(
      join(work, "base.yaml"),
      stringify({ name: "shop", services: [{ name: "web", image: "acme/shop:1" }] }),
    );
    const r = await run("interpret", "add a redis cache", "--base", "base.yaml");
    expect(r.code).toBe(0);
    expect(r.out).toContain("# action: deploy (interpreter: rules)");
    expect(r.out).toContain("engine: redis");
    expect(r.out).toContain("image: acme/shop:1");
  });

  it("exits 2 on empty text", async () => {
    const r = await run("interpret", "   ");
    expect(r.code).toBe(2);
    expect(r.err).toContain("nothing to interpret");
  });
});
