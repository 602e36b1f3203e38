/** providers.terraform paths from codeploy.yaml: relative to its folder, moduleFiles read as extra module files. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { settingsFromConfig } from "./settings.js";
import { parseTerraformSettings } from "./terraform/settings.js";

const dir = mkdtempSync(join(tmpdir(), "codeploy-provider-settings-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const settings = (terraform: unknown) =>
  settingsFromConfig({ providers: { terraform }, env: {}, cwd: "/elsewhere", configDir: dir, home: dir })
    .terraform;

describe("providers.terraform.moduleFiles and cliConfigFile", () => {
  it("are relative to codeploy.yaml; each file is added as extra_<name>, read when a module is written", () => {
    writeFileSync(join(dir, "files.tf"), 'resource "local_file" "web" {}\n');
    const tf = settings({ cliConfigFile: "./cli.tfrc", moduleFiles: ["./files.tf"] });
    expect(tf?.settings?.cliConfigFile).toBe(join(dir, "cli.tfrc"));
    expect(tf?.extraFiles?.({} as never)).toEqual([
      { path: "extra_files.tf", content: 'resource "local_file" "web" {}\n' },
    ]);
    writeFileSync(join(dir, "files.tf"), "# edited\n");
    expect(tf?.extraFiles?.({} as never)?.[0]?.content).toBe("# edited\n");
  });

  it("refuses a file that is not .tf, two of the same name, and a file that cannot be read", () => {
    expect(() => parseTerraformSettings({ moduleFiles: ["./x.sh"] })).toThrow(
      "providers.terraform.moduleFiles.0: a .tf file",
    );
    expect(() => parseTerraformSettings({ moduleFiles: ["a/x.tf", "b/x.tf"] })).toThrow(
      "two files with the same name",
    );
    const tf = settings({ moduleFiles: ["./missing.tf"] });
    expect(() => tf?.extraFiles?.({} as never)).toThrow(/moduleFiles: cannot read .*missing\.tf/);
    expect(settings({})?.extraFiles).toBeUndefined();
  });
});
