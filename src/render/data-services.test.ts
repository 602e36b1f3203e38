import { describe, expect, it } from "vitest";
import { CodeError } from "../core/errors.js";
import { CACHE_ENGINES, DATABASE_ENGINES, QUEUE_ENGINES } from "../spec/schema.js";
import { validateSpec } from "../spec/validate.js";
import {
  checkedPassword,
  DATA_SERVICES,
  dataComponents,
  kafkaClusterId,
  objectStoreName,
} from "./data-services.js";
import { render } from "./index.js";
import { connectionVars } from "./local-connections.js";

describe("the data-service table", () => {
  it("has an entry for every engine of the spec, plus MinIO", () => {
    const engines = [...DATABASE_ENGINES, ...CACHE_ENGINES, ...QUEUE_ENGINES, "minio"].sort();
    expect(Object.keys(DATA_SERVICES).sort()).toEqual(engines);
  });

  it("gives every engine a pinned default, a short port name and a URL for its clients", () => {
    const access = { host: "h", user: "u", password: "p", rootPassword: "r", database: "d", scope: "a/e" };
    for (const [engine, p] of Object.entries(DATA_SERVICES)) {
      expect(p.defaultVersion, engine).not.toBe("latest");
      expect(p.portName.length, engine).toBeLessThanOrEqual(15);
      expect(p.url(access), engine).toContain(`h:${p.port}`);
      for (const key of p.secretEnv) expect(Object.keys(p.serverEnv(access)), engine).toContain(key);
      // The object store's URL is its S3 endpoint; its keys travel separately.
      if (p.credentials !== "none" && p.kind !== "object-store")
        expect(p.url(access), engine).toContain("p@");
    }
  });

  it("maps versions to the tags the images publish", () => {
    expect(DATA_SERVICES.kafka.tag("3.8")).toBe("3.8.0");
    expect(DATA_SERVICES.kafka.tag("3.9.1")).toBe("3.9.1");
    expect(DATA_SERVICES.nats.tag("2.10")).toBe("2.10-alpine");
    expect(DATA_SERVICES.postgres.tag("16")).toBe("16");
  });

  it("derives a Kafka cluster id of 16 bytes that differs per environment", () => {
    const id = kafkaClusterId("shop/production", "events");
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(id, "base64url")).toHaveLength(16);
    expect(kafkaClusterId("shop/staging", "events")).not.toBe(id);
  });
});

describe("dataComponents", () => {
  it("lists databases, caches, queues, then MinIO for buckets, with notes for what is not provided", () => {
    const spec = validateSpec({
      name: "s",
      environment: "production",
      databases: [{ name: "db", engine: "postgres", highAvailability: true, storageGb: 30 }],
      caches: [{ name: "c", engine: "memcached" }],
      queues: [{ name: "q", engine: "sqs", version: "2012-11-05" }],
      buckets: [{ name: "files" }],
    });
    const components = dataComponents(spec);
    expect(components.map((c) => [c.name, c.image, c.storageGb])).toEqual([
      ["db", "postgres:18", 30],
      ["c", "memcached:1.6", 1],
      ["q", "softwaremill/elasticmq-native:1.6.14", 5],
      ["minio", "quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z", 10],
    ]);
    expect(components[0]?.notes).toEqual([
      expect.stringMatching(/^highAvailability/),
      expect.stringMatching(/^backups/),
    ]);
  });

  it("runs the image the spec names in place of the official one (a mirror, a digest pin), on every target", () => {
    const pinned = `registry.example.com/mirror/postgres:16.4@sha256:${"cd".repeat(32)}`;
    const spec = validateSpec({
      name: "s",
      environment: "production",
      databases: [{ name: "db", engine: "postgres", version: "16", image: pinned }],
      caches: [{ name: "c", engine: "redis", version: "7" }],
    });
    expect(dataComponents(spec).map((c) => c.image)).toEqual([pinned, "redis:7"]);
    for (const target of ["docker", "kubernetes"] as const) {
      const files = render(validateSpec({ ...spec, target }), { secretSeed: "seed-0123456789abcdef" }).files;
      expect(files.map((f) => f.content).join("\n")).toContain(`image: ${pinned}`);
    }
    expect(() =>
      validateSpec({ name: "s", databases: [{ name: "db", engine: "postgres", image: "Bad Image!" }] }),
    ).toThrow(/databases\.0\.image|databases\[0\]\.image/);
  });

  it("names the object store so that it clashes with nothing in the spec", () => {
    const spec = validateSpec({
      name: "s",
      services: [{ name: "minio" }],
      buckets: [{ name: "minio-store-buckets" }],
    });
    expect(objectStoreName(spec)).toBe("minio-store-store");
  });
});

describe("connectionVars", () => {
  const spec = validateSpec({
    name: "s",
    services: [
      {
        name: "api",
        port: 8080,
        dependsOn: ["main", "orders", "cache"],
        env: { REDIS_URL: "redis://elsewhere:6379" },
      },
      { name: "web", port: 80, dependsOn: ["api", "files"] },
    ],
    databases: [
      { name: "main", engine: "postgres" },
      { name: "orders", engine: "mysql" },
    ],
    caches: [{ name: "cache", engine: "redis" }],
    buckets: [{ name: "files" }],
  });
  const service = (i: number) => {
    const s = spec.services[i];
    if (!s) throw new Error(`no service ${i}`);
    return s;
  };
  const names = (i: number) => connectionVars(spec, service(i)).map((v) => v.name);

  it("gives several of a kind the plain name for the first and a prefixed name for each", () => {
    const parts = ["URL", "HOST", "PORT", "USER", "PASSWORD", "NAME"].map((p) => `DATABASE_${p}`);
    const first = parts.flatMap((p) => [p, `MAIN_${p}`]);
    expect(names(0)).toEqual([
      ...first,
      ...parts.map((p) => `ORDERS_${p}`),
      "REDIS_HOST",
      "REDIS_PORT",
      "REDIS_PASSWORD",
    ]);
  });

  it("leaves variables the spec sets alone", () => {
    expect(names(0)).not.toContain("REDIS_URL");
  });

  it("points at other services and at buckets with the store's keys", () => {
    expect(connectionVars(spec, service(1))).toEqual([
      { name: "API_URL", value: { type: "literal", value: "http://api:8080" } },
      { name: "S3_BUCKET", value: { type: "literal", value: "files" } },
      { name: "S3_ENDPOINT", value: { type: "url", component: "minio" } },
      { name: "AWS_REGION", value: { type: "literal", value: "us-east-1" } },
      { name: "AWS_ACCESS_KEY_ID", value: { type: "store-user" } },
      { name: "AWS_SECRET_ACCESS_KEY", value: { type: "store-password" } },
      { name: "S3_FORCE_PATH_STYLE", value: { type: "literal", value: "true" } },
    ]);
  });
});

describe("checkedPassword", () => {
  it("accepts URL-safe passwords and refuses others with a typed error", () => {
    expect(checkedPassword({ password: () => "abcdefghijklmnop-_.~" }, "db", "app")).toBe(
      "abcdefghijklmnop-_.~",
    );
    expect(() => checkedPassword({ password: () => "p@ss:word/with#signs" }, "db", "app")).toThrow(CodeError);
    expect(() => checkedPassword({ password: () => "short" }, "db", "app")).toThrow(/at least 16/);
  });
});
