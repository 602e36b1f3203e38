import { describe, expect, it } from "vitest";
import type { StepContext } from "../../engine/provider.js";
import { render } from "../../render/index.js";
import type { DeploymentSpec } from "../../spec/schema.js";
import { validateSpec } from "../../spec/validate.js";
import { durationNs, memoryBytes } from "./compose-service.js";
import { envFileOf } from "./interpolate.js";
import { networkName, volumeName } from "./names.js";
import { configHash, dataWorkload, serviceWorkload } from "./workload.js";

const STAGING = { app: "shop", environment: "staging" };

function ctxOf(spec: DeploymentSpec): StepContext {
  return {
    app: spec.name,
    environment: spec.environment,
    revision: 1,
    spec,
    artifacts: render(spec, { secretSeed: "unit" }),
    signal: new AbortController().signal,
    log: () => {},
  };
}

const spec = validateSpec({
  name: "shop",
  environment: "staging",
  services: [
    {
      name: "web",
      image: "acme/web:1",
      port: 8080,
      replicas: 2,
      healthCheck: { path: "/healthz" },
      dependsOn: ["db", "cache"],
    },
    { name: "admin", image: "acme/admin:1", port: 8080, resources: { cpu: "250m", memory: "256Mi" } },
    { name: "nightly", kind: "cron", image: "acme/job:1", schedule: "0 2 * * *" },
  ],
  databases: [{ name: "db", engine: "postgres", version: "16" }],
  caches: [{ name: "cache", engine: "redis" }],
});
const ctx = ctxOf(spec);
const secrets = envFileOf(ctx.artifacts.files);

describe("serviceWorkload: a spec service read from the rendered compose document", () => {
  const web = serviceWorkload(ctx, "web", "127.0.0.1");

  it("hands the data services' URLs, with the .env passwords, to the service", () => {
    expect(web?.base.Env).toContain(
      `DATABASE_URL=postgres://app:${secrets.get("CODEPLOY_DB_PASSWORD")}@db:5432/shop?sslmode=disable`,
    );
    expect(web?.base.Env).toContain(
      `REDIS_URL=redis://:${secrets.get("CODEPLOY_CACHE_PASSWORD")}@cache:6379`,
    );
  });

  it("labels, network alias, init, the health-check probe and the compose host-port ranges", () => {
    expect(web?.base.Labels).toEqual({
      "codeploy.app": "shop",
      "codeploy.env": "staging",
      "codeploy.service": "web",
      "codeploy.role": "app",
    });
    expect(web?.base.NetworkingConfig?.EndpointsConfig?.[networkName(STAGING)]?.Aliases).toEqual(["web"]);
    expect(web?.base.HostConfig).toMatchObject({
      Init: true,
      NetworkMode: networkName(STAGING),
      NanoCpus: 5e8,
    });
    expect(web?.probe).toEqual({ type: "http", port: 8080, path: "/healthz" });
    expect(web?.publish).toEqual({ host: "127.0.0.1", preferredPort: 8080, fixed: false });
    // web takes 8080-8081 for its two replicas, so admin's range moves up.
    expect(serviceWorkload(ctx, "admin", "127.0.0.1")?.publish?.preferredPort).toBe(8082);
    expect(serviceWorkload(ctx, "admin", "127.0.0.1")?.base.HostConfig?.Memory).toBe(256 * 2 ** 20);
  });

  it("runs nothing for cron services, refuses services without an image, needs docker artifacts", () => {
    expect(serviceWorkload(ctx, "nightly", "127.0.0.1")).toBeUndefined();
    const built = validateSpec({ name: "b", services: [{ name: "web", port: 80 }] });
    expect(() => serviceWorkload(ctxOf(built), "web", "127.0.0.1")).toThrow(/has no image/);
    const k8s = validateSpec({ ...spec, target: "kubernetes" });
    expect(() => serviceWorkload(ctxOf(k8s), "web", "127.0.0.1")).toThrow(/needs the docker artifacts/);
  });
});

describe("dataWorkload", () => {
  const cache = dataWorkload(ctx, "cache");

  it("uses the official image, the compose command with the password, a named volume and a TCP probe", () => {
    expect(cache.image).toBe("redis:8");
    expect(cache.base.Cmd).toEqual([
      "redis-server",
      "--requirepass",
      secrets.get("CODEPLOY_CACHE_PASSWORD"),
      "--appendonly",
      "yes",
    ]);
    expect(cache.base.Healthcheck?.Test).toEqual([
      "CMD",
      "sh",
      "-c",
      'redis-cli -a "$REDIS_PASSWORD" --no-auth-warning ping | grep -q PONG',
    ]);
    expect(cache.base.Healthcheck?.Interval).toBe(10e9);
    expect(cache.volume).toEqual({ name: volumeName(STAGING, "cache"), path: "/data" });
    expect(cache.probe).toEqual({ type: "tcp", port: 6379 });
    expect(cache.strategy).toBe("recreate");
  });
});

describe("configHash", () => {
  it("ignores replica counts and revisions, but not the image id or the environment", () => {
    const web = serviceWorkload(ctx, "web", "127.0.0.1");
    const scaled = serviceWorkload(
      ctxOf(validateSpec({ ...spec, services: spec.services.map((s) => ({ ...s, replicas: 5 })) })),
      "web",
      "127.0.0.1",
    );
    const changed = serviceWorkload(
      ctxOf(validateSpec({ ...spec, services: spec.services.map((s) => ({ ...s, env: { MODE: "fast" } })) })),
      "web",
      "127.0.0.1",
    );
    if (!web || !scaled || !changed) throw new Error("workloads expected");
    expect(configHash(scaled, "sha256:a")).toBe(configHash(web, "sha256:a"));
    expect(configHash(web, "sha256:b")).not.toBe(configHash(web, "sha256:a"));
    expect(configHash(changed, "sha256:a")).not.toBe(configHash(web, "sha256:a"));
  });
});

describe("compose units", () => {
  it("reads durations and memory", () => {
    expect(durationNs("1m30s")).toBe(90e9);
    expect(durationNs("500ms")).toBe(5e8);
    expect(durationNs("soon")).toBeUndefined();
    expect(memoryBytes("1g")).toBe(2 ** 30);
    expect(memoryBytes("1000000000b")).toBe(1e9);
  });
});
