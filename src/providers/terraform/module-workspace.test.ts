import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OwnershipConflictError } from "../../engine/provider.js";
import { terraformWorkspaceName } from "../../spec/naming.js";
import { ModuleWorkspace } from "./module-workspace.js";

const workspace = (home: string, app: string, environment: string, adopt = false) =>
  new ModuleWorkspace({ home, app, environment, purpose: "deploy", env: {}, settings: {}, adopt });

const home = () => mkdtempSync(join(tmpdir(), "codeploy-mws-"));

describe("ModuleWorkspace names and ownership", () => {
  it("gives my/shop-production and my-shop/production different folders, workspaces and schemas", () => {
    const h = home();
    const a = workspace(h, "my", "shop-production");
    const b = workspace(h, "my-shop", "production");
    expect(a.workDir).not.toBe(b.workDir);
    expect(a.workspace).not.toBe(b.workspace);
    expect(a.backend.config).not.toEqual(b.backend.config);
  });

  it("gives two 60-character apps differing only at the end different workspaces", () => {
    const h = home();
    const a = workspace(h, `${"x".repeat(59)}1`, "production");
    const b = workspace(h, `${"x".repeat(59)}2`, "production");
    expect(a.workspace).not.toBe(b.workspace);
    expect(a.workDir).not.toBe(b.workDir);
  });

  it("records its owner and refuses a folder owned by another pair unless adopted", async () => {
    const h = home();
    const ws = workspace(h, "shop", "dev");
    await ws.ensureWorkDir();
    expect(JSON.parse(readFileSync(join(ws.workDir, "owner.json"), "utf8"))).toEqual({
      app: "shop",
      environment: "dev",
    });
    writeFileSync(join(ws.workDir, "owner.json"), JSON.stringify({ app: "other", environment: "prod" }));
    const error = await workspace(h, "shop", "dev")
      .ensureWorkDir()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OwnershipConflictError);
    expect(error).toMatchObject({ code: "OWNERSHIP_CONFLICT" });
    expect(String(error)).toContain('it carries app "other", environment "prod"');
    await workspace(h, "shop", "dev", true).ensureWorkDir();
    expect(JSON.parse(readFileSync(join(ws.workDir, "owner.json"), "utf8"))).toMatchObject({ app: "shop" });
  });

  it("moves an earlier version's folder when its old name can only be this pair's, with its local state", async () => {
    const h = home();
    const legacy = join(h, "terraform", "shop-dev");
    mkdirSync(join(legacy, "state", "shop-dev"), { recursive: true });
    writeFileSync(join(legacy, "state", "shop-dev", "terraform.tfstate"), "{}");
    const ws = workspace(h, "shop", "dev");
    await ws.ensureWorkDir();
    expect(existsSync(legacy)).toBe(false);
    const name = terraformWorkspaceName({ app: "shop", environment: "dev" });
    expect(existsSync(join(ws.workDir, "state", name, "terraform.tfstate"))).toBe(true);
  });

  it("refuses an ambiguous earlier folder (my-shop-production could be either pair) unless adopted", async () => {
    const h = home();
    mkdirSync(join(h, "terraform", "my-shop-production"), { recursive: true });
    const error = await workspace(h, "my", "shop-production")
      .ensureWorkDir()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "OWNERSHIP_CONFLICT" });
    expect(String(error)).toContain("made by an earlier version");
    const adopted = workspace(h, "my", "shop-production", true);
    await adopted.ensureWorkDir();
    expect(existsSync(join(h, "terraform", "my-shop-production"))).toBe(false);
    expect(existsSync(join(adopted.workDir, "owner.json"))).toBe(true);
  });
});
