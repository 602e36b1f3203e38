/**
 * The terraform provider through the real engine (deploy, rollback, destroy)
 * with the real terraform CLI on modules of `terraform_data` (rendered from
 * `cloud: local` specs), a temporary SQLite store, and every event asserted
 * from the store.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type DeployDeps, deploy, destroyEnvironment } from "../../engine/deploy.js";
import { hashArtifacts, render } from "../../render/index.js";
import { terraformWorkspaceName } from "../../spec/naming.js";
import type { DeploymentSpec } from "../../spec/schema.js";
import { requireSecrets, resolveSecrets } from "../../spec/secret-refs.js";
import { validateSpec } from "../../spec/validate.js";
import { openStateStore } from "../../state/index.js";
import type { StateStore, StepEvent } from "../../state/types.js";
import { createTerraformProvider, type TerraformProviderOptions } from "./provider.js";
import { planAgain, stateList, tempHome, terraformBinary } from "./test-support.js";

const WORKSPACE = terraformWorkspaceName({ app: "shop", environment: "staging" });

const v1 = validateSpec({
  name: "shop",
  environment: "staging",
  cloud: "local",
  target: "terraform",
  services: [{ name: "web", image: "acme/web:1", port: 8080, dependsOn: ["postgres", "redis"] }],
  databases: [{ name: "postgres", engine: "postgres" }],
  caches: [{ name: "redis", engine: "redis" }],
});

/** The second revision adds a component whose provisioner fails (injected as an override file). */
const withBad = validateSpec({
  ...v1,
  services: [...v1.services, { name: "bad", kind: "worker", image: "acme/bad:1" }],
});
const failingProvisioner = (spec: DeploymentSpec) =>
  spec.services.some((s) => s.name === "bad")
    ? [
        {
          path: "bad_override.tf",
          content:
            'resource "terraform_data" "bad" {\n  provisioner "local-exec" {\n    command = "echo the bad worker cannot start >&2; exit 3"\n  }\n}\n',
        },
      ]
    : [];

let home: string;
let store: StateStore;
beforeEach(async () => {
  home = tempHome();
  store = await openStateStore({ home });
});
afterEach(async () => {
  await store.close();
});

function deps(extra: Partial<TerraformProviderOptions> = {}): DeployDeps {
  const provider = createTerraformProvider({
    home,
    env: process.env,
    extraFiles: failingProvisioner,
    ...extra,
  });
  return { store, providerFor: () => provider, render: (s) => render(s), hashArtifacts };
}

const messages = (events: readonly StepEvent[], step?: string) =>
  events.filter((e) => step === undefined || e.step === step).map((e) => e.message ?? "");
const fast = { retry: { maxAttempts: 1 } };

describe.skipIf(!terraformBinary)("terraform provider with the real terraform CLI", () => {
  it("applies the whole module once: 3 to add, every component verified in the state, then no change", async () => {
    const first = await deploy({ spec: v1, actor: "ana" }, deps(), fast);
    expect(first.deployment.outcome).toBe("succeeded");
    const events = await store.listEvents(first.deployment.id);
    expect(messages(events, "network")).toContain("Plan: 3 to add, 0 to change, 0 to destroy.");
    expect(messages(events, "network")).toContain("terraform_data.web: create complete");
    const web = events.find((e) => e.type === "step-succeeded" && e.step === "service:web");
    expect(web?.data).toMatchObject({ outputs: { "web.image": "acme/web:1", "web.port": "8080" } });
    expect(await stateList(home, "shop", "staging")).toEqual([
      "terraform_data.postgres",
      "terraform_data.redis",
      "terraform_data.web",
    ]);
    // Local state lives under CODEPLOY_HOME, in the app + environment's workspace.
    expect(existsSync(join(home, `terraform/${WORKSPACE}/state/${WORKSPACE}/terraform.tfstate`))).toBe(true);

    // Terraform itself finds nothing left to do.
    expect(await planAgain(home, "shop", "staging")).toBe(false);
  }, 60_000);

  it("gives two 60-character apps that differ only at the end their own workspace and state", async () => {
    const app = (last: string) => `${"n".repeat(59)}${last}`;
    const one = validateSpec({
      ...v1,
      name: app("1"),
      services: [{ name: "web", image: "acme/web:1", port: 8080 }],
      databases: [],
      caches: [],
    });
    const two = validateSpec({ ...one, name: app("2") });
    expect((await deploy({ spec: one, actor: "ana" }, deps(), fast)).deployment.outcome).toBe("succeeded");
    const wsOne = terraformWorkspaceName({ app: app("1"), environment: "staging" });
    const wsTwo = terraformWorkspaceName({ app: app("2"), environment: "staging" });
    expect(wsOne).not.toBe(wsTwo);
    // The second app starts from an empty state: nothing of the first one's is in it.
    const second = await deploy({ spec: two, actor: "ana" }, deps(), fast);
    expect(second.deployment.outcome).toBe("succeeded");
    expect(messages(await store.listEvents(second.deployment.id))).toContain(
      "Plan: 1 to add, 0 to change, 0 to destroy.",
    );
    expect(existsSync(join(home, `terraform/${wsOne}/state/${wsOne}/terraform.tfstate`))).toBe(true);
    expect(existsSync(join(home, `terraform/${wsTwo}/state/${wsTwo}/terraform.tfstate`))).toBe(true);
    expect(await stateList(home, app("1"), "staging")).toEqual(["terraform_data.web"]);
    expect(await stateList(home, app("2"), "staging")).toEqual(["terraform_data.web"]);
  }, 90_000);

  it("shows an update for a changed input and a replace for a changed trigger", async () => {
    await deploy({ spec: v1, actor: "ana" }, deps(), fast);
    const [web] = v1.services;
    const scaled = validateSpec({ ...v1, services: [{ ...web, replicas: 3 }] });
    const update = await deploy({ spec: scaled, actor: "ana" }, deps(), fast);
    expect(update.deployment.outcome).toBe("succeeded");
    const updateLog = messages(await store.listEvents(update.deployment.id));
    expect(updateLog).toContain("plan: terraform_data.web will be updated");
    expect(updateLog.some((m) => m.includes("0 to add, 1 to change, 0 to replace, 0 to destroy"))).toBe(true);

    const newImage = validateSpec({ ...v1, services: [{ ...web, replicas: 3, image: "acme/web:2" }] });
    const replace = await deploy({ spec: newImage, actor: "ana" }, deps(), fast);
    const replaceLog = messages(await store.listEvents(replace.deployment.id));
    expect(replaceLog).toContain("plan: terraform_data.web will be replaced (cannot update)");
    expect(replaceLog.some((m) => m.includes("0 to add, 0 to change, 1 to replace, 0 to destroy"))).toBe(
      true,
    );
  }, 60_000);

  it("fails the step with Terraform's message when a provisioner fails, and the engine rolls back", async () => {
    await deploy({ spec: v1, actor: "ana" }, deps(), fast);
    const out = await deploy({ spec: withBad, actor: "ana" }, deps(), fast);
    expect(out.deployment.outcome).toBe("rolled-back");
    expect(out.result.failure?.stepId).toBe("service:bad");
    expect(out.result.failure?.error.message).toContain("local-exec provisioner error");
    expect(out.result.failure?.error.message).toContain("exit status 3");
    expect(out.result.failure?.error.message).toContain("the bad worker cannot start");
    expect(out.rollback?.outcome).toBe("succeeded");
    const events = await store.listEvents(out.deployment.id);
    expect(events.some((e) => e.type === "step-failed" && e.step === "service:bad")).toBe(true);
    expect(events.some((e) => e.type === "step-rolled-back" && e.step === "remove-service:bad")).toBe(true);
    // The tainted resource is gone again; what ran before is intact.
    expect(await stateList(home, "shop", "staging")).toEqual([
      "terraform_data.postgres",
      "terraform_data.redis",
      "terraform_data.web",
    ]);
    const audit = await store.listAudit({ newestFirst: true, limit: 1 });
    expect(audit[0]).toMatchObject({ command: "apply", outcome: "failed", target: "shop/staging" });
    expect(JSON.stringify(audit[0]?.details)).toContain("local-exec provisioner error");
  }, 90_000);

  it("destroy leaves an empty state and is recorded", async () => {
    await deploy({ spec: v1, actor: "ana" }, deps(), fast);
    const out = await destroyEnvironment({ app: "shop", environment: "staging", actor: "ana" }, deps(), fast);
    expect(out.deployment.outcome).toBe("succeeded");
    expect(await stateList(home, "shop", "staging")).toEqual([]);
    const events = await store.listEvents(out.deployment.id);
    expect(
      messages(events, "remove-service:web").some((m) => m.includes("destroyed terraform_data.web")),
    ).toBe(true);
    expect((await store.listAudit({ newestFirst: true, limit: 1 }))[0]).toMatchObject({
      command: "destroy",
      outcome: "ok",
    });
    const [status] = await store.status({ app: "shop", environment: "staging" });
    expect(status?.currentRevision).toBeUndefined();
  }, 90_000);

  it("keeps one workspace per app and environment", async () => {
    const dev = validateSpec({ ...v1, environment: "dev" });
    await deploy({ spec: v1, actor: "ana" }, deps(), fast);
    const [web] = dev.services;
    await deploy(
      {
        spec: validateSpec({ ...dev, caches: [], services: [{ ...web, dependsOn: ["postgres"] }] }),
        actor: "ana",
      },
      deps(),
      fast,
    );
    expect(await stateList(home, "shop", "dev")).toEqual(["terraform_data.postgres", "terraform_data.web"]);
    expect(await stateList(home, "shop", "staging")).toHaveLength(3);
    const observed = await createTerraformProvider({ home, env: process.env }).observe({
      app: "shop",
      environment: "dev",
      signal: new AbortController().signal,
    });
    expect(observed.map((r) => r.name)).toEqual(["terraform_data.postgres", "terraform_data.web"]);
  }, 90_000);

  it("preflight runs the binary, and names what to install when there is none", async () => {
    const signal = new AbortController().signal;
    await expect(
      createTerraformProvider({ home, env: process.env }).preflight?.(signal),
    ).resolves.toBeUndefined();
    await expect(
      createTerraformProvider({ home, env: { PATH: home } }).preflight?.(signal),
    ).rejects.toMatchObject({
      code: "TF_NOT_FOUND",
    });
  });

  it("passes a secret reference's value to terraform without it reaching the state store or the .tf files", async () => {
    const value = "s3cr3t-value-for-the-test";
    const env = { CODEPLOY_SECRET_DB_URL: value };
    const spec = validateSpec({
      ...v1,
      services: [{ ...v1.services[0], env: { DATABASE_URL: "secret:db_url" } }],
    });
    const withSecrets: DeployDeps = {
      ...deps(),
      render: (s) => render(s, { secrets: resolveSecrets(s, env).values }),
      checkRunnable: (s) => {
        requireSecrets(s, env);
      },
    };
    const out = await deploy({ spec, actor: "ana" }, withSecrets, fast);
    expect(out.deployment.outcome).toBe("succeeded");
    const workspace = join(home, `terraform/${WORKSPACE}/module`);
    const vars = join(workspace, "secrets.auto.tfvars.json");
    expect(JSON.parse(readFileSync(vars, "utf8"))).toEqual({ secret_db_url: value });
    expect(statSync(vars).mode & 0o777).toBe(0o600);
    for (const f of readdirSync(workspace).filter((n) => n.endsWith(".tf")))
      expect(readFileSync(join(workspace, f), "utf8"), f).not.toContain(value);
    const events = JSON.stringify(await store.listEvents(out.deployment.id));
    expect(events).not.toContain(value);
    expect((await store.getRevision({ app: "shop", environment: "staging" }, 1))?.spec).toMatchObject({
      services: [{ env: { DATABASE_URL: "secret:db_url" } }],
    });
    expect(await planAgain(home, "shop", "staging")).toBe(false);

    // Without the value nothing is locked or recorded, and the answer says what to set.
    const missing: DeployDeps = { ...withSecrets, checkRunnable: (s) => void requireSecrets(s, {}) };
    await expect(deploy({ spec, actor: "ana" }, missing, fast)).rejects.toMatchObject({
      code: "SECRET_MISSING",
      hint: expect.stringContaining("CODEPLOY_SECRET_DB_URL"),
    });
    expect((await store.status({ app: "shop", environment: "staging" }))[0]?.currentRevision).toBe(1);
  }, 90_000);

  it("refuses a spec that does not render a Terraform module", async () => {
    const docker = validateSpec({ ...v1, target: "docker", cloud: "local" });
    const out = await deploy({ spec: docker, actor: "ana" }, deps(), fast);
    expect(out.result.failure?.error.code).toBe("TF_WRONG_TARGET");
  }, 30_000);
});
