import { describe, expect, it } from "vitest";
import { declaresBackend, pqConnString, resolveBackend, schemaName } from "./backend.js";
import { parseTerraformSettings } from "./settings.js";

const base = { workDir: "/home/u/.codeploy/terraform/shop-dev", app: "shop", environment: "dev" };

describe("resolveBackend", () => {
  it("keeps state locally under the app + environment's folder by default", () => {
    const b = resolveBackend({ ...base, settings: {} });
    expect(b.type).toBe("local");
    expect(b.block).toBe('terraform {\n  backend "local" {}\n}\n');
    expect(b.config).toEqual({
      workspace_dir: "/home/u/.codeploy/terraform/shop-dev/state",
      path: "/home/u/.codeploy/terraform/shop-dev/state/default.tfstate",
    });
  });

  it("uses Terraform's pg backend on CODE's Postgres when DATABASE_URL is set, the URL only in the environment", () => {
    const url = "postgres://code:s3cr%40t@db.internal:5433/codeploy";
    const b = resolveBackend({ ...base, settings: {}, databaseUrl: url });
    expect(b.type).toBe("pg");
    expect(b.config).toEqual({ schema_name: schemaName("shop", "dev") });
    expect(schemaName("shop", "dev")).toMatch(/^codeploy_shop_dev_[0-9a-f]{8}$/);
    expect(b.env.PG_CONN_STR).toBe(
      "host=db.internal port=5433 user=code password=s3cr@t dbname=codeploy sslmode=disable",
    );
    expect(JSON.stringify(b.config)).not.toContain("s3cr");
    expect(b.secrets).toContain("s3cr@t");
  });

  it("takes s3, gcs or azurerm from the configuration, with a default key per backend", () => {
    const settings = parseTerraformSettings({
      backend: { type: "s3", config: { bucket: "tf-state", region: "eu-west-1" } },
    });
    const b = resolveBackend({ ...base, settings, databaseUrl: "postgres://x@y/z" });
    expect(b.type).toBe("s3");
    expect(b.config).toEqual({
      bucket: "tf-state",
      region: "eu-west-1",
      key: "codeploy/terraform.tfstate",
      workspace_key_prefix: "codeploy",
    });
    expect(b.description).toBe("s3 (tf-state)");
  });
});

describe("pqConnString", () => {
  it("turns a Unix-socket URL into lib/pq keywords, keeping other parameters", () => {
    expect(
      pqConnString("postgres://codeploy@localhost:5432/db1?host=%2Ftmp%2Fpg%20sock&application_name=x"),
    ).toBe("host='/tmp/pg sock' port=5432 user=codeploy dbname=db1 sslmode=disable application_name=x");
    expect(pqConnString("postgresql://u@h/d?sslmode=require")).toBe("host=h user=u dbname=d sslmode=require");
    expect(pqConnString("host=/s dbname=d")).toBe("host=/s dbname=d");
  });
});

describe("schemaName and declaresBackend", () => {
  it("makes a Postgres identifier per app + environment", () => {
    expect(schemaName("my-shop", "eu-prod")).toMatch(/^codeploy_my_shop_eu_prod_[0-9a-f]{8}$/);
    expect(schemaName("my", "shop-eu-prod")).not.toBe(schemaName("my-shop", "eu-prod"));
    expect(schemaName("a".repeat(80), "dev")).toHaveLength(63);
  });

  it("sees a backend or cloud block in the module, but not in comments", () => {
    const tf = (content: string) => [{ path: "main.tf", content }];
    expect(
      declaresBackend(tf('terraform {\n  required_version = ">= 1.6"\n  backend "s3" {\n  }\n}\n')),
    ).toBe(true);
    expect(declaresBackend(tf('terraform {\n  cloud {\n    organization = "acme"\n  }\n}\n'))).toBe(true);
    expect(declaresBackend(tf('terraform {\n  # backend "s3" {}\n  required_version = ">= 1.6"\n}\n'))).toBe(
      false,
    );
    expect(declaresBackend([{ path: "README.md", content: 'terraform {\n  backend "s3" {}\n}' }])).toBe(
      false,
    );
  });
});

describe("parseTerraformSettings", () => {
  it("names the setting that is wrong", () => {
    expect(() => parseTerraformSettings({ backend: { type: "consul" } })).toThrow(
      "providers.terraform.backend.type",
    );
    expect(() => parseTerraformSettings({ lockTimeout: "soon" })).toThrow("a duration such as 0s");
    expect(parseTerraformSettings(undefined)).toEqual({});
  });
});
