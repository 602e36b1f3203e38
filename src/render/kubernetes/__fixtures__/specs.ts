/**
 * Specs for the docker and kubernetes renderer tests. rich-prod.yaml is a copy
 * of ../shared/examples/rich-prod.yaml (the acceptance example), kept here so
 * the tests do not depend on a folder outside the repository.
 */
import { readFileSync } from "node:fs";
import { parseSpecText } from "../../../spec/parse.js";
import type { DeploymentSpec } from "../../../spec/schema.js";
import { validateSpec } from "../../../spec/validate.js";

export function richSpec(): DeploymentSpec {
  const text = readFileSync(new URL("./rich-prod.yaml", import.meta.url), "utf8");
  return parseSpecText(text, "rich-prod.yaml");
}

/** One web service, everything else defaulted (dev, one replica). */
export function minimalSpec(): DeploymentSpec {
  return validateSpec({
    name: "blog",
    services: [{ name: "web", image: "ghcr.io/acme/blog:1.0.0", port: 3000 }],
  });
}

/** Every engine, two of some kinds, buckets, and the awkward cases (no image, no port, no health path). */
export function allEnginesSpec(): DeploymentSpec {
  return validateSpec({
    name: "lab",
    environment: "staging",
    target: "kubernetes",
    services: [
      {
        name: "api",
        image: "ghcr.io/acme/api:1.2.3",
        port: 8080,
        healthCheck: { path: "/ready" },
        env: { GREETING: "cost: $5", FLAG: "yes" },
        dependsOn: [
          "main",
          "orders",
          "legacy",
          "docs",
          "cache",
          "sessions",
          "memo",
          "events",
          "bus",
          "stream",
          "jobs",
          "media",
          "public-assets",
        ],
      },
      { name: "admin", port: 9000, replicas: 2, dependsOn: ["api"] },
      {
        name: "mailer",
        kind: "worker",
        image: "ghcr.io/acme/mailer:1.0.0",
        replicas: 0,
        dependsOn: ["events"],
      },
      {
        name: "cleanup",
        kind: "cron",
        image: "ghcr.io/acme/cleanup:1.0.0",
        schedule: "*/30 * * * *",
        dependsOn: ["main"],
      },
    ],
    databases: [
      { name: "main", engine: "postgres" },
      { name: "orders", engine: "mysql", version: "8.0", storageGb: 20 },
      { name: "legacy", engine: "mariadb" },
      { name: "docs", engine: "mongodb", version: "7" },
    ],
    caches: [
      { name: "cache", engine: "redis" },
      { name: "sessions", engine: "valkey" },
      { name: "memo", engine: "memcached" },
    ],
    queues: [
      { name: "events", engine: "rabbitmq" },
      { name: "bus", engine: "nats" },
      { name: "stream", engine: "kafka", version: "3.8" },
      { name: "jobs", engine: "sqs" },
    ],
    buckets: [{ name: "media" }, { name: "public-assets", public: true }],
  });
}

/** Official images with their own runtime needs: one starts as root, one writes its own directories. */
export function knownAppsSpec(): DeploymentSpec {
  return validateSpec({
    name: "site",
    environment: "production",
    target: "kubernetes",
    services: [
      {
        name: "wordpress",
        image: "wordpress:6.6",
        port: 80,
        domain: "blog.example.com",
        dependsOn: ["mysql"],
      },
      { name: "grafana", image: "grafana/grafana:11.2.0", port: 3000 },
    ],
    databases: [{ name: "mysql", engine: "mysql", version: "8.0" }],
  });
}
