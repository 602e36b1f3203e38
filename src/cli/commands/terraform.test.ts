/**
 * `codeploy terraform plan|apply|destroy DIR` in process, with the real
 * terraform CLI and the real SQLite store under a temporary CODEPLOY_HOME.
 */
import { mkdirSync, readdirSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import { beforeEach, describe, expect, it } from "vitest";
import { parseTerraformSettings } from "../../providers/terraform/settings.js";
import { tempHome, terraformBinary } from "../../providers/terraform/test-support.js";
import { terraformWrapper } from "../../providers/terraform/wrapper.js";
import { moduleAppName } from "../../spec/naming.js";
import { openStateStore } from "../../state/index.js";
import { exitCodeOf, formatError } from "../exit.js";
import { type CapturedIo, captureIo } from "../test-io.js";
import { registerTerraformCommands } from "./terraform-register.js";
import { appNameOf } from "./terraform-session.js";

let home: string;
let work: string;
let dir: string;

function module(one: string, two: string, extra = ""): void {
  writeFileSync(
    join(dir, "main.tf"),
    `resource "terraform_data" "one" {\n  input = "${one}"\n}\nresource "terraform_data" "two" {\n  triggers_replace = "${two}"\n}\nresource "terraform_data" "three" {\n  input = "x"\n}\n${extra}`,
  );
}

beforeEach(() => {
  home = tempHome("codeploy-tfcli-");
  work = join(home, "repo");
  dir = join(work, "network");
  mkdirSync(dir, { recursive: true });
  module("a", "a");
});

function newIo(): CapturedIo {
  const env: Record<string, string | undefined> = {
    ...process.env,
    CODEPLOY_HOME: join(home, "state"),
    CODEPLOY_ACTOR: "ana",
  };
  delete env.DATABASE_URL;
  delete env.CODEPLOY_CONFIG;
  return captureIo({ cwd: work, env });
}

async function run(args: string[], io = newIo()): Promise<{ code: number; io: CapturedIo }> {
  let code = 0;
  const program = new Command("codeploy")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  registerTerraformCommands(
    program,
    io,
    (c) => {
      code = c;
    },
    () => undefined,
  );
  try {
    await program.parseAsync(args, { from: "user" });
  } catch (error) {
    io.stderr(`${formatError(error)}\n`);
    code = exitCodeOf(error);
  }
  return { code, io };
}

async function store() {
  return openStateStore({ home: join(home, "state") });
}

/** The default app name: the folder's name and a hash of its real path. */
const app = (folder = dir) => moduleAppName(realpathSync(folder));

const wrapper = () =>
  terraformWrapper({
    home: join(home, "state"),
    env: process.env,
    settings: parseTerraformSettings(undefined),
  });

describe("appNameOf", () => {
  it("makes a kebab-case app name of a folder", () => {
    expect(appNameOf("/x/Network Stack_2")).toBe("network-stack-2");
    expect(appNameOf("/")).toBe("module");
  });
});

describe.skipIf(!terraformBinary)("codeploy terraform with the real terraform CLI", () => {
  it("plans, refuses to apply without confirmation, applies the saved plan, and records it", async () => {
    const before = readdirSync(dir);
    const plan = await run(["terraform", "plan", "network"]);
    expect(plan.code).toBe(0);
    expect(plan.io.out()).toMatch(
      /Terraform plan for network \(workspace network-[0-9a-f]{8}-default-[0-9a-f]{8}, state: local \(/,
    );
    expect(plan.io.out()).toContain("  + terraform_data.one\n");
    expect(plan.io.out()).toContain("Plan: 3 to add, 0 to change, 0 to replace, 0 to destroy.");
    // Nothing was written into the user's module folder.
    expect(readdirSync(dir)).toEqual(before);

    const refused = await run(["terraform", "apply", "network"]);
    expect(refused.code).toBe(2);
    expect(refused.io.err()).toContain("without confirmation");

    const applied = await run(["terraform", "apply", "network", "--yes"]);
    expect(applied.code).toBe(0);
    expect(applied.io.out()).toContain(`${app()}/default: terraform apply succeeded`);
    const s = await store();
    try {
      const [deployment] = await s.listDeployments({ app: app() });
      expect(deployment).toMatchObject({
        action: "apply",
        outcome: "succeeded",
        actor: "ana",
        environment: "default",
      });
      const events = await s.listEvents(deployment?.id ?? "");
      expect(events.map((e) => e.message)).toContain("terraform_data.one: create complete");
      expect(events.map((e) => e.message)).toContain("3 added, 0 changed, 0 destroyed");
      const audit = await s.listAudit();
      expect(audit.map((a) => `${a.command}:${a.outcome}`)).toEqual([
        "terraform plan:ok",
        "terraform apply:ok",
      ]);
      expect(
        (await s.listRevisions({ app: app(), environment: "default" }))[0]?.artifactHashes,
      ).toHaveProperty("main.tf");
    } finally {
      await s.close();
    }
    const again = await run(["terraform", "apply", "network", "--yes"]);
    expect(again.code).toBe(1);
    expect(again.io.err()).toContain("no saved plan for");
    const noChange = await run(["terraform", "plan", "network"]);
    expect(noChange.io.out()).toContain("  no changes\n");
  }, 90_000);

  it("refuses to apply a plan when the module changed after it", async () => {
    expect((await run(["terraform", "plan", "network"])).code).toBe(0);
    module("b", "a");
    const out = await run(["terraform", "apply", "network", "--yes"]);
    expect(out.code).toBe(1);
    expect(out.io.err()).toContain("changed since it was planned");
    expect((await wrapper().state({ dir, app: app(), environment: "default" })).resources).toEqual([]);
  }, 60_000);

  it("calls out updates and replaces, and refuses replaces in a production workspace without --accept-risk", async () => {
    await run(["terraform", "plan", "network", "-e", "production"]);
    await run(["terraform", "apply", "network", "-e", "production", "--yes"]);
    module("b", "b");
    const plan = await run(["terraform", "plan", "network", "-e", "production", "--json"]);
    expect(plan.code).toBe(1);
    const json: unknown = JSON.parse(plan.io.out());
    expect(json).toMatchObject({
      workspace: expect.stringMatching(/^network-[0-9a-f]{8}-production-[0-9a-f]{8}$/),
      changes: {
        creates: [],
        updates: ["terraform_data.one"],
        replaces: ["terraform_data.two"],
        deletes: [],
      },
      approved: false,
      findings: [{ id: "CODE-TF-002", severity: "error" }],
    });
    expect((await run(["terraform", "apply", "network", "-e", "production", "--yes"])).code).toBe(1);
    const accepted = await run([
      "terraform",
      "apply",
      "network",
      "-e",
      "production",
      "--yes",
      "--accept-risk",
    ]);
    expect(accepted.code).toBe(0);
  }, 90_000);

  it("destroys everything in the workspace and records a destroy", async () => {
    await run(["terraform", "plan", "network", "-w", "blue"]);
    await run(["terraform", "apply", "network", "-w", "blue", "--yes"]);
    const out = await run(["terraform", "destroy", "network", "-w", "blue", "--yes"]);
    expect(out.code).toBe(0);
    expect(out.io.out()).toContain("  - terraform_data.one\n");
    expect(out.io.out()).toContain("terraform destroy succeeded");
    const target = { dir, app: app(), environment: "blue", workspace: "blue" };
    expect((await wrapper().state(target)).resources).toEqual([]);
    const s = await store();
    try {
      const [latest] = await s.listDeployments({ app: app(), environment: "blue" });
      expect(latest).toMatchObject({ action: "destroy", outcome: "succeeded" });
    } finally {
      await s.close();
    }
  }, 90_000);

  it("brings local module sources along, and records a failed apply with Terraform's message", async () => {
    mkdirSync(join(work, "modules", "thing"), { recursive: true });
    writeFileSync(
      join(work, "modules", "thing", "main.tf"),
      'resource "terraform_data" "inner" {\n  input = "in"\n}\n',
    );
    module(
      "a",
      "a",
      'module "thing" {\n  source = "../modules/thing"\n}\nresource "terraform_data" "bad" {\n  provisioner "local-exec" {\n    command = "exit 7"\n  }\n}\n',
    );
    const plan = await run(["terraform", "plan", "network"]);
    expect(plan.io.out()).toContain("  + module.thing.terraform_data.inner\n");
    const out = await run(["terraform", "apply", "network", "--yes"]);
    expect(out.code).toBe(1);
    expect(out.io.out()).toContain("exit status 7");
    const s = await store();
    try {
      const [d] = await s.listDeployments({ app: app() });
      expect(d).toMatchObject({ outcome: "failed" });
      expect(d?.error).toContain("local-exec provisioner error");
      const [audit] = await s.listAudit({ newestFirst: true, limit: 1 });
      expect(audit).toMatchObject({ command: "terraform apply", outcome: "failed" });
    } finally {
      await s.close();
    }
  }, 90_000);

  it("passes --var to the plan, and names a required variable that has no value", async () => {
    writeFileSync(
      join(dir, "main.tf"),
      'variable "greeting" {\n  type = string\n}\nresource "terraform_data" "hello" {\n  input = var.greeting\n}\n',
    );
    const missing = await run(["terraform", "plan", "network"]);
    expect(missing.code).toBe(1);
    expect(missing.io.err()).toContain("a required input variable has no value");
    expect(missing.io.err()).toContain("--var NAME=VALUE");
    const plan = await run(["terraform", "plan", "network", "--var", "greeting=hello", "--json"]);
    expect(JSON.parse(plan.io.out())).toMatchObject({ changes: { creates: ["terraform_data.hello"] } });
    expect((await run(["terraform", "apply", "network", "--yes"])).code).toBe(0);
    const state = await wrapper().state({ dir, app: app(), environment: "default" });
    expect(state.resources[0]?.values).toMatchObject({ input: "hello", output: "hello" });
  }, 60_000);

  it("keys workspace, state, saved plan and record by the module's real path: envs/prod/network and envs/staging/network share nothing", async () => {
    const prod = join(work, "envs", "prod", "network");
    const staging = join(work, "envs", "staging", "network");
    for (const [d, value] of [
      [prod, "prod"],
      [staging, "staging"],
    ] as const) {
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, "main.tf"), `resource "terraform_data" "net" {\n  input = "${value}"\n}\n`);
    }
    symlinkSync(prod, join(work, "prod-link"));
    const planProd = await run(["terraform", "plan", "envs/prod/network", "--json"]);
    const planStaging = await run(["terraform", "plan", "envs/staging/network", "--json"]);
    const p1: { app: string; workspace: string; dir: string } = JSON.parse(planProd.io.out());
    const p2: { app: string; workspace: string; dir: string } = JSON.parse(planStaging.io.out());
    expect(p1.app).not.toBe(p2.app);
    expect(p1.workspace).not.toBe(p2.workspace);
    // Each apply applies its own saved plan: staging's later plan did not replace prod's.
    expect((await run(["terraform", "apply", "envs/prod/network", "--yes"])).code).toBe(0);
    const prodState = await wrapper().state({ dir: prod, app: app(prod), environment: "default" });
    expect(prodState.resources.map((r) => r.values)).toMatchObject([{ input: "prod" }]);
    const stagingState = await wrapper().state({ dir: staging, app: app(staging), environment: "default" });
    expect(stagingState.resources).toEqual([]);
    expect((await run(["terraform", "apply", "envs/staging/network", "--yes"])).code).toBe(0);
    // Through a symlink, the same real folder: the same app, state and workspace (no changes left).
    const viaLink = await run(["terraform", "plan", "prod-link", "--json"]);
    expect(JSON.parse(viaLink.io.out())).toMatchObject({
      app: p1.app,
      workspace: p1.workspace,
      changes: { creates: [], updates: [], replaces: [], deletes: [] },
    });
    const s = await store();
    try {
      const prodRuns = await s.listDeployments({ app: app(prod) });
      const stagingRuns = await s.listDeployments({ app: app(staging) });
      expect(prodRuns).toHaveLength(1);
      expect(stagingRuns).toHaveLength(1);
      expect(prodRuns[0]?.id).not.toBe(stagingRuns[0]?.id);
    } finally {
      await s.close();
    }
  }, 120_000);
});
