/**
 * Terraform drift: the pure readers of `terraform show -json` plans, and the
 * real terraform CLI on a `terraform_data` module whose state is changed out
 * of band (an attribute edited, a resource dropped): the drift check names
 * both and leaves the state file byte for byte as it was.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { deploy } from "../../engine/deploy.js";
import { hashArtifacts, render } from "../../render/index.js";
import { terraformWorkspaceName } from "../../spec/naming.js";
import { validateSpec } from "../../spec/validate.js";
import { openStateStore } from "../../state/index.js";
import type { StateStore } from "../../state/types.js";
import { configDrift, mergeDrift, refreshDrift } from "./drift.js";
import { createTerraformProvider } from "./provider.js";
import { tempHome, terraformBinary } from "./test-support.js";

describe("reading drift out of plans", () => {
  // The shape `terraform show -json` gives a refresh-only plan (format 1.2), trimmed.
  const refreshPlan = {
    resource_drift: [
      {
        address: "aws_ssm_parameter.flag",
        mode: "managed",
        type: "aws_ssm_parameter",
        change: {
          actions: ["update"],
          before: { description: "on", value: "s3cret", tags: { team: "a" } },
          after: { description: "off", value: "other", tags: { team: "b", extra: "x" } },
          before_sensitive: { value: true, tags: {} },
          after_sensitive: { value: true, tags: {} },
        },
      },
      {
        address: "aws_s3_bucket.logs",
        mode: "managed",
        type: "aws_s3_bucket",
        change: { actions: ["delete"], before: { bucket: "logs" }, after: null },
      },
      { address: "data.aws_caller_identity.me", mode: "data", type: "x", change: { actions: ["update"] } },
    ],
  };

  it("names each attribute by JSON pointer, hides sensitive values, reports deleted resources as missing", () => {
    expect(refreshDrift(refreshPlan)).toEqual([
      {
        kind: "aws_ssm_parameter",
        name: "aws_ssm_parameter.flag",
        change: "changed",
        path: "/description",
        expected: "on",
        actual: "off",
      },
      {
        kind: "aws_ssm_parameter",
        name: "aws_ssm_parameter.flag",
        change: "changed",
        path: "/value",
        expected: "(sensitive)",
        actual: "(sensitive)",
      },
      {
        kind: "aws_ssm_parameter",
        name: "aws_ssm_parameter.flag",
        change: "changed",
        path: "/tags/team",
        expected: "a",
        actual: "b",
      },
      {
        kind: "aws_ssm_parameter",
        name: "aws_ssm_parameter.flag",
        change: "changed",
        path: "/tags/extra",
        actual: "x",
      },
      { kind: "aws_s3_bucket", name: "aws_s3_bucket.logs", change: "missing", path: "" },
    ]);
  });

  it("reads a normal plan as what the module wants against what runs, and counts each difference once", () => {
    const plan = {
      resource_changes: [
        {
          address: "terraform_data.web",
          mode: "managed",
          type: "terraform_data",
          change: {
            actions: ["update"],
            before: { input: "b", output: "b" },
            after: { input: "a" },
            after_unknown: { output: true },
          },
        },
        {
          address: "terraform_data.gone",
          mode: "managed",
          type: "terraform_data",
          change: { actions: ["create"], before: null, after: {} },
        },
        {
          address: "terraform_data.same",
          mode: "managed",
          type: "terraform_data",
          change: { actions: ["no-op"] },
        },
      ],
    };
    const config = configDrift(plan);
    expect(config).toEqual([
      {
        kind: "terraform_data",
        name: "terraform_data.web",
        change: "changed",
        path: "/input",
        expected: "a",
        actual: "b",
      },
      { kind: "terraform_data", name: "terraform_data.gone", change: "missing", path: "" },
    ]);
    const refresh = [{ ...config[0], expected: "a", actual: "b" }] as typeof config;
    expect(mergeDrift(refresh, config)).toHaveLength(2);
  });
});

const spec = validateSpec({
  name: "drifty",
  environment: "staging",
  cloud: "local",
  target: "terraform",
  services: [{ name: "web", image: "acme/web:1", port: 8080, dependsOn: ["redis"] }],
  caches: [{ name: "redis", engine: "redis" }],
});

let home: string;
let store: StateStore;
beforeEach(async () => {
  home = tempHome();
  store = await openStateStore({ home });
  return () => store.close();
});

describe.skipIf(!terraformBinary)("terraform drift with the real terraform CLI", () => {
  it("reports a state edited and a resource dropped out of band, and writes nothing", async () => {
    const provider = createTerraformProvider({ home, env: process.env });
    const artifacts = render(spec);
    const deps = { store, providerFor: () => provider, render: () => artifacts, hashArtifacts };
    expect((await deploy({ spec, actor: "ana" }, deps)).deployment.outcome).toBe("succeeded");
    const ctx = {
      app: "drifty",
      environment: "staging",
      revision: 1,
      spec,
      artifacts,
      signal: AbortSignal.timeout(60_000),
    };
    expect(await provider.detectDrift?.(ctx)).toEqual([]);

    const ws = terraformWorkspaceName({ app: "drifty", environment: "staging" });
    const file = join(home, `terraform/${ws}/state/${ws}/terraform.tfstate`);
    const state = JSON.parse(readFileSync(file, "utf8")) as {
      serial: number;
      resources: { name: string; instances: { attributes: Record<string, unknown> }[] }[];
    };
    const web = state.resources.find((r) => r.name === "web")?.instances[0]?.attributes;
    expect(web?.input).toBeDefined();
    const before = JSON.stringify(web?.input);
    const input = web?.input as { value: { image: string } };
    input.value.image = "by-hand";
    state.resources = state.resources.filter((r) => r.name !== "redis");
    state.serial += 1;
    writeFileSync(file, JSON.stringify(state));
    const edited = readFileSync(file, "utf8");

    const items = (await provider.detectDrift?.(ctx)) ?? [];
    expect(items).toContainEqual({
      kind: "terraform_data",
      name: "terraform_data.redis",
      change: "missing",
      path: "",
    });
    expect(items.filter((i) => i.name === "terraform_data.web")).toEqual([
      {
        kind: "terraform_data",
        name: "terraform_data.web",
        change: "changed",
        path: "/input/image",
        expected: "acme/web:1",
        actual: "by-hand",
      },
    ]);
    expect(before).toContain("acme/web:1");
    expect(items).toHaveLength(2);
    // Read-only: the state is as it was left by hand (no refresh written back, no lock taken).
    expect(readFileSync(file, "utf8")).toBe(edited);
  }, 120_000);
});
