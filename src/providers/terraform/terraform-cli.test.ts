/** The CLI wrapper against the real terraform, on modules of the built-in terraform_data resource. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import type { TerraformError } from "./errors.js";
import type { TerraformEvent } from "./events.js";
import { BACKEND_FILE, ModuleWorkspace } from "./module-workspace.js";
import type { TerraformCli } from "./terraform-cli.js";
import { tempHome, terraformBinary } from "./test-support.js";

function moduleText(n: string, trigger: string, withThird = true): string {
  return [
    `resource "terraform_data" "one" {\n  input = "${n}"\n}`,
    `resource "terraform_data" "two" {\n  triggers_replace = "${trigger}"\n}`,
    withThird ? `resource "terraform_data" "three" {\n  input = "fixed"\n}` : "",
  ].join("\n");
}

let home: string;
let dir: string;
let ws: ModuleWorkspace;
let cli: TerraformCli;

function write(text: string): void {
  writeFileSync(join(dir, "main.tf"), text);
}

beforeEach(() => {
  home = tempHome();
  dir = join(home, "module");
  mkdirSync(dir);
  ws = new ModuleWorkspace({
    home,
    app: "demo",
    environment: "dev",
    purpose: "wrap",
    env: process.env,
    settings: {},
  });
  writeFileSync(join(dir, BACKEND_FILE), ws.backend.block);
  cli = ws.cli(dir);
});

async function planDiff(name: string) {
  const out = join(home, `${name}.tfplan`);
  const planned = await cli.plan({ out });
  return { planned, out, diff: await cli.showPlan(out) };
}

describe.skipIf(!terraformBinary)("TerraformCli with the real terraform", () => {
  it("plans 3 to add, applies the saved plan, then finds no change; updates, replaces and deletes by address", async () => {
    write(moduleText("a", "a"));
    await ws.prepare(cli, false);
    const events: TerraformEvent[] = [];
    const first = await cli.plan({ out: join(home, "p1.tfplan"), onEvent: (e) => events.push(e) });
    expect(first).toEqual({ changes: true, summary: { add: 3, change: 0, remove: 0, operation: "plan" } });
    expect(
      events.filter((e) => e.type === "planned_change").map((e) => e.type === "planned_change" && e.address),
    ).toHaveLength(3);
    const diff = await cli.showPlan(join(home, "p1.tfplan"));
    expect(diff.creates).toEqual(["terraform_data.one", "terraform_data.three", "terraform_data.two"]);
    const applied = await cli.apply(join(home, "p1.tfplan"));
    expect(applied).toMatchObject({ add: 3, change: 0, remove: 0 });
    expect((await planDiff("p2")).planned.changes).toBe(false);

    write(moduleText("b", "a"));
    expect((await planDiff("p3")).diff).toMatchObject({
      updates: ["terraform_data.one"],
      replaces: [],
      creates: [],
    });
    write(moduleText("a", "b"));
    const replace = await planDiff("p4");
    expect(replace.diff.replaces).toEqual(["terraform_data.two"]);
    expect(replace.diff.changes[0]).toMatchObject({
      kind: "replace",
      reason: "replace_because_cannot_update",
    });
    write(moduleText("a", "a", false));
    expect((await planDiff("p5")).diff.deletes).toEqual(["terraform_data.three"]);
    expect(await cli.stateList()).toEqual([
      "terraform_data.one",
      "terraform_data.three",
      "terraform_data.two",
    ]);
  }, 60_000);

  it("maps a state lock held by a concurrent apply to LOCKED, and an interrupted apply frees it", async () => {
    write(
      `resource "terraform_data" "slow" {\n  provisioner "local-exec" {\n    command = "sleep 20"\n  }\n}\n`,
    );
    await ws.prepare(cli, false);
    await cli.plan({ out: join(home, "slow.tfplan") });
    const controller = new AbortController();
    let provisioning!: () => void;
    const started = new Promise<void>((resolve) => {
      provisioning = resolve;
    });
    const slow = cli
      .apply(join(home, "slow.tfplan"), {
        signal: controller.signal,
        onEvent: (e) => {
          if (e.type === "provision_progress") provisioning();
        },
      })
      .catch((e: unknown) => e);
    await started;
    const second = ws.cli(dir);
    const locked = (await second
      .plan({ out: join(home, "other.tfplan") })
      .catch((e: unknown) => e)) as TerraformError;
    expect(locked.code).toBe("LOCKED");
    expect(locked.lockId).toMatch(/^[0-9a-f-]{36}$/);
    expect(locked.hint).toContain(`terraform force-unlock ${locked.lockId}`);
    controller.abort();
    expect(await slow).toMatchObject({ code: "TF_ABORTED" });
    // Terraform stopped cleanly: the lock is gone.
    expect((await second.plan({ out: join(home, "after.tfplan") })).changes).toBe(true);
  }, 60_000);

  it("reports invalid configuration with file and line", async () => {
    write(`resource "terraform_data" "x" {\n  input = \n}\n`);
    const error = (await ws.prepare(cli, false).catch((e: unknown) => e)) as TerraformError;
    expect(error.code).toBe("TF_CONFIG_INVALID");
    expect(error.message).toMatch(/main\.tf:\d+: /);
  });
});
