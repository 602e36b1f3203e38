import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "./main.js";
import { captureIo } from "./test-io.js";

const work = mkdtempSync(join(tmpdir(), "codeploy-cli-"));
const env = { CODEPLOY_HOME: join(work, "home") };
const run = async (...argv: string[]) => {
  const io = captureIo({ cwd: work, env });
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
};

describe("codeploy basics", () => {
  it("prints help and the version", async () => {
    const help = await run("--help");
    expect(help.code).toBe(0);
    for (const cmd of ["interpret", "validate", "schema", "render", "plan"]) expect(help.out).toContain(cmd);
    const version = await run("--version");
    expect(version.code).toBe(0);
    expect(version.out.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const sub = await run("plan", "--help");
    expect(sub.out).toContain("--accept-risk");
  });

  it("exits 2 on usage errors: no command, unknown command, unknown flag", async () => {
    expect((await run()).code).toBe(2);
    const unknown = await run("deplyo");
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/unknown command/);
    expect((await run("validate", "x.yaml", "--frobnicate")).code).toBe(2);
  });
});

describe("codeploy validate", () => {
  it("exits 0 for a valid spec and summarises it", async () => {
    writeFileSync(join(work, "ok.yaml"), "name: shop\nservices:\n  - name: web\n    image: nginx:1.27\n");
    const r = await run("validate", "ok.yaml");
    expect(r.code).toBe(0);
    expect(r.out).toContain("ok.yaml: valid (shop in dev on docker: 1 service(s)");
  });

  it("exits 1 listing every problem as path: message, no stack trace", async () => {
    writeFileSync(
      join(work, "bad.yaml"),
      "services:\n  - name: web\n  - name: api\n    replicas: -1\ntarget: nomad\n",
    );
    const r = await run("validate", "bad.yaml");
    expect(r.code).toBe(1);
    expect(r.err).toContain("services[1].replicas: must be >= 0");
    expect(r.err).toContain("target: must be one of: docker, kubernetes, terraform");
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it("gives JSON issues with --json", async () => {
    const r = await run("validate", "bad.yaml", "--json");
    expect(r.code).toBe(1);
    const body = JSON.parse(r.out) as { valid: boolean; issues: { path: string }[] };
    expect(body.valid).toBe(false);
    expect(body.issues.map((i) => i.path)).toContain("services[1].replicas");
  });

  it("refuses unparsable YAML with its line, and a missing file as a usage error", async () => {
    writeFileSync(join(work, "broken.yaml"), "name: shop\nservices: [\n  - x\n");
    const broken = await run("validate", "broken.yaml");
    expect(broken.code).toBe(1);
    expect(broken.err).toMatch(/broken\.yaml:\d+:\d+: invalid YAML/);
    const missing = await run("validate", "nope.yaml");
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("file not found: nope.yaml");
  });
});

describe("codeploy schema", () => {
  it("prints the JSON Schema", async () => {
    const r = await run("schema");
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.out) as { title: string; properties: Record<string, unknown> };
    expect(schema.title).toBe("DeploymentSpec");
    expect(schema.properties).toHaveProperty("services");
  });
});
