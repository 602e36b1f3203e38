/** Binary detection, the environment Terraform runs in, redaction, and module snapshots. */
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findTerraform, terraformEnv } from "./binary.js";
import { createRedactor, redactArgs, secretValues } from "./redact.js";
import { readModuleTree, writeSnapshot } from "./snapshot.js";

const temp = () => mkdtempSync(join(tmpdir(), "codeploy-tfsupport-"));

describe("findTerraform", () => {
  it("finds tofu when terraform is absent, and says what to install when neither is there", () => {
    const bin = temp();
    writeFileSync(join(bin, "tofu"), "#!/bin/sh\n");
    chmodSync(join(bin, "tofu"), 0o755);
    expect(findTerraform({ PATH: bin })).toEqual({ path: join(bin, "tofu"), flavor: "tofu" });
    expect(() => findTerraform({ PATH: temp() })).toThrow("neither terraform nor tofu was found on PATH");
    expect(() => findTerraform({ PATH: bin }, "terraform")).toThrow(/configured Terraform binary terraform/);
  });
});

describe("terraformEnv", () => {
  it("keeps the user's environment, drops TF_WORKSPACE and a CLI config that does not exist, adds automation settings", () => {
    const env = terraformEnv(
      {
        PATH: "/bin",
        AWS_PROFILE: "dev",
        TF_WORKSPACE: "other",
        TF_CLI_CONFIG_FILE: "/nowhere/.terraformrc",
        HOME: temp(),
      },
      { dataDir: "/w/data", extra: { PG_CONN_STR: "host=/s" } },
    );
    expect(env).toMatchObject({
      PATH: "/bin",
      AWS_PROFILE: "dev",
      TF_CLI_CONFIG_FILE: "/dev/null",
      TF_DATA_DIR: "/w/data",
      TF_IN_AUTOMATION: "1",
      TF_INPUT: "0",
      CHECKPOINT_DISABLE: "1",
      PG_CONN_STR: "host=/s",
    });
    expect(env).not.toHaveProperty("TF_WORKSPACE");
  });
});

describe("redaction", () => {
  it("masks secret values from the environment, whole URLs before their parts", () => {
    const env = {
      DATABASE_URL: "postgres://u:hunter22@db/x",
      AWS_SECRET_ACCESS_KEY: "AKIAsecretvalue",
      HOME: "/root",
    };
    const redact = createRedactor([...secretValues(env), "hunter22"]);
    expect(redact("dial postgres://u:hunter22@db/x failed; key AKIAsecretvalue; pw hunter22 in /root")).toBe(
      "dial [redacted] failed; key [redacted]; pw [redacted] in /root",
    );
  });

  it("shows the names of secret-looking -var and -backend-config settings, not their values", () => {
    expect(
      redactArgs(["-var", "db_password=x1", "-var", "region=eu", "-backend-config=access_key=AK"]),
    ).toEqual([
      "-var",
      "db_password=[redacted]",
      "-var",
      "region=eu",
      "-backend-config=access_key=[redacted]",
    ]);
  });
});

describe("module snapshots", () => {
  it("copies the module and its local modules with their layout, skipping state and .terraform, and hashes the content", async () => {
    const root = temp();
    mkdirSync(join(root, "envs", "dev", ".terraform"), { recursive: true });
    mkdirSync(join(root, "modules", "vpc"), { recursive: true });
    writeFileSync(
      join(root, "envs", "dev", "main.tf"),
      'module "vpc" {\n  source = "../../modules/vpc"\n}\n',
    );
    writeFileSync(join(root, "envs", "dev", "terraform.tfstate"), "{}");
    writeFileSync(join(root, "envs", "dev", ".terraform", "x"), "cache");
    writeFileSync(join(root, "modules", "vpc", "main.tf"), 'resource "terraform_data" "v" {}\n');
    const snap = await readModuleTree(join(root, "envs", "dev"));
    expect(snap.root).toBe(root);
    expect(snap.modulePath).toBe("envs/dev");
    expect(snap.files.map((f) => f.path)).toEqual(["envs/dev/main.tf", "modules/vpc/main.tf"]);
    const copy = temp();
    expect(await writeSnapshot(snap, copy)).toBe(join(copy, "envs", "dev"));
    expect((await readModuleTree(join(copy, "envs", "dev"))).hash).toBe(snap.hash);
    writeFileSync(join(root, "modules", "vpc", "main.tf"), 'resource "terraform_data" "w" {}\n');
    expect((await readModuleTree(join(root, "envs", "dev"))).hash).not.toBe(snap.hash);
  });

  it("refuses a folder without Terraform files", async () => {
    await expect(readModuleTree(temp())).rejects.toThrow("holds no Terraform files");
    await expect(readModuleTree("/no/such/folder")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
