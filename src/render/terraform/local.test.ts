import { afterAll, describe, expect, it } from "vitest";
import { validateSpec } from "../../spec/validate.js";
import { renderTerraform } from "./index.js";
import {
  filesOf,
  fileText,
  findBlock,
  fixtureSpec,
  removeTree,
  resourceTypes,
  runTerraform,
  terraformBinary,
  writeTree,
} from "./test-io.js";

const richProd = () => fixtureSpec("rich-prod", { cloud: "local", region: undefined, target: "docker" });

describe("local: terraform_data only", () => {
  const result = renderTerraform(richProd());

  it("declares one terraform_data per component and no provider at all", () => {
    const types = resourceTypes(result);
    expect(types).toEqual(Array(7).fill("terraform_data"));
    expect(fileText(result, "versions.tf")).not.toContain("required_providers");
    expect(result.files.map((f) => f.path)).not.toContain("terraform/providers.tf");
  });

  it("keeps each component's settings in input and replaces it on a new image or version", () => {
    const db = findBlock(result, "terraform_data", "postgres").body;
    expect(db.input).toMatchObject({
      component: "database",
      engine: "postgres",
      version: "16",
      storage_gb: 50,
      high_availability: true,
      backups: true,
    });
    expect(db.triggers_replace).toEqual({ engine: "postgres", version: "16" });
    const web = findBlock(result, "terraform_data", "web").body;
    expect(web.input).toMatchObject({
      component: "service",
      replicas: 3,
      public: true,
      domain: "shop.example.com",
      env: { LOG_LEVEL: "info" },
    });
    expect(web.triggers_replace).toEqual({ image: { $hcl: "expr", code: "var.web_image" } });
    expect(web.depends_on).toEqual([
      { $hcl: "expr", code: "terraform_data.postgres" },
      { $hcl: "expr", code: "terraform_data.redis" },
    ]);
    expect(fileText(result, "variables.tf")).toContain('default     = "ghcr.io/acme/shop-web:2.3.1"');
  });
});

describe.skipIf(!terraformBinary)(
  "local: terraform init, plan and apply offline (needs the terraform binary)",
  () => {
    const dirs: string[] = [];
    afterAll(async () => {
      await Promise.all(dirs.map(removeTree));
    });

    async function initialised(files: Record<string, string>): Promise<string> {
      const dir = await writeTree(files);
      dirs.push(dir);
      const module = `${dir}/terraform`;
      const init = await runTerraform(["init", "-no-color", "-input=false"], module);
      expect(init.stderr).toBe("");
      expect(init.code).toBe(0);
      return module;
    }

    it("plans rich-prod: 7 to add", async () => {
      const module = await initialised(filesOf(renderTerraform(richProd())));
      const plan = await runTerraform(["plan", "-no-color", "-input=false", "-detailed-exitcode"], module);
      expect(plan.stderr).toBe("");
      expect(plan.code).toBe(2); // 2 = the plan has changes
      expect(plan.stdout).toContain("Plan: 7 to add, 0 to change, 0 to destroy.");
      expect(plan.stdout).toContain('+ engine            = "postgres"');
    });

    it("applies a small spec and echoes the settings in the outputs", async () => {
      const spec = validateSpec({
        name: "tiny",
        services: [{ name: "site", image: "nginx:1.27", port: 80, dependsOn: ["db"] }],
        databases: [{ name: "db", engine: "postgres", version: "16" }],
      });
      const module = await initialised(filesOf(renderTerraform(spec)));
      const apply = await runTerraform(["apply", "-no-color", "-input=false", "-auto-approve"], module);
      expect(apply.stderr).toBe("");
      expect(apply.stdout).toContain("Apply complete! Resources: 2 added, 0 changed, 0 destroyed.");
      const output = await runTerraform(["output", "-no-color", "-json"], module);
      const values: unknown = JSON.parse(output.stdout);
      expect(values).toMatchObject({
        site: { value: { name: "tiny-dev-site", image: "nginx:1.27", port: 80, replicas: 1 } },
        db: { value: { engine: "postgres", version: "16", storage_gb: 10 } },
      });
    });
  },
);
