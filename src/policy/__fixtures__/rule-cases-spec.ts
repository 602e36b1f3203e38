/** Fail/pass fixtures for the rules that read the spec (and the cost estimate). */
import type { PolicyInput, Severity } from "../types.js";
import { CRON, DIGEST, env, envWeb, IMAGE, prod, prodDb, prodWeb, WEB, withEnv } from "./specs.js";

export interface RuleCase {
  readonly label: string;
  readonly fail: PolicyInput;
  readonly pass: PolicyInput;
  /** The path the failing input must be reported at. */
  readonly path: string;
  /** Expected severity when it differs from the rule's default. */
  readonly severity?: Severity;
}

export type RuleCases = Readonly<Record<string, readonly RuleCase[]>>;

const chartOf = (chart: { repo: string; name: string; version?: string }) => ({
  spec: prod({ services: [WEB, { name: "cache", chart }] }),
});
const cronEvery = (schedule: string) => ({ spec: prod({ services: [WEB, { ...CRON, schedule }] }) });

export const SPEC_CASES: RuleCases = {
  "CODE-SEC-001": [
    {
      label: "public bucket in production",
      fail: { spec: prod({ buckets: [{ name: "files", public: true }] }) },
      pass: { spec: prod({ buckets: [{ name: "files", public: false }] }) },
      path: "buckets[0].public",
    },
    {
      label: "public bucket in dev is a warning",
      fail: { spec: env("dev", { buckets: [{ name: "files", public: true }] }) },
      pass: { spec: env("dev", { buckets: [{ name: "files" }] }) },
      path: "buckets[0].public",
      severity: "warning",
    },
  ],
  "CODE-SEC-003": [
    {
      label: "public production service over plain HTTP",
      fail: { spec: prodWeb({ domain: undefined, tls: false }) },
      pass: { spec: prodWeb({ domain: undefined, tls: true }) },
      path: "services[0].tls",
    },
  ],
  "CODE-SEC-004": [
    {
      label: "domain without TLS in staging",
      fail: { spec: envWeb("staging", { tls: false }) },
      pass: { spec: envWeb("staging", { tls: true }) },
      path: "services[0].tls",
    },
  ],
  "CODE-SEC-005": [
    {
      label: "literal password",
      fail: { spec: withEnv({ DB_PASSWORD: "hunter2", LOG_LEVEL: "info" }) },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${VAR} reference, not a template
      pass: { spec: withEnv({ DB_PASSWORD: "${DB_PASSWORD}", LOG_LEVEL: "info" }) },
      path: "services[0].env.DB_PASSWORD",
    },
    {
      label: "camelCase secret key in dev is a warning",
      fail: { spec: withEnv({ stripeSecretKey: "not-a-reference" }, "dev") },
      pass: { spec: withEnv({ stripeSecretKey: "secret:stripe" }, "dev") },
      path: "services[0].env.stripeSecretKey",
      severity: "warning",
    },
  ],
  "CODE-SEC-006": [
    {
      label: "AWS access key under an innocent name",
      fail: { spec: withEnv({ UPLOAD_CONFIG: "AKIAIOSFODNN7EXAMPLE" }) },
      pass: { spec: withEnv({ UPLOAD_CONFIG: "s3://uploads/incoming" }) },
      path: "services[0].env.UPLOAD_CONFIG",
    },
    {
      label: "JWT",
      fail: {
        spec: withEnv({
          BEARER:
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        }),
      },
      pass: { spec: withEnv({ BEARER: "secret:api-bearer" }) },
      path: "services[0].env.BEARER",
    },
    {
      label: "private key block",
      fail: {
        spec: withEnv({
          TLS_MATERIAL: "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----",
        }),
      },
      pass: {
        spec: withEnv({ TLS_MATERIAL: "-----BEGIN CERTIFICATE-----\nMIIEow\n-----END CERTIFICATE-----" }),
      },
      path: "services[0].env.TLS_MATERIAL",
    },
    {
      label: "long random string (a git sha and a UUID pass)",
      fail: { spec: withEnv({ SIGNING: "q8Xz3LmP0vR7tK2wN9bY4cF6hJ1sD5gA" }) },
      pass: {
        spec: withEnv({
          SIGNING: "3f786850e387550fdab836ed7e6dc881de23001b",
          RUN: "9b2e6a3c-1f4d-4c8e-9a7b-2d5f8e1c3b6a",
        }),
      },
      path: "services[0].env.SIGNING",
    },
  ],
  "CODE-SEC-007": [
    {
      label: "password in a connection URL",
      fail: { spec: withEnv({ DATABASE_URL: "postgres://app:s3cr3t-pw@postgres:5432/shop" }) },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${VAR} reference, not a template
      pass: { spec: withEnv({ DATABASE_URL: "postgres://app:${DB_PASSWORD}@postgres:5432/shop" }) },
      path: "services[0].env.DATABASE_URL",
    },
  ],
  "CODE-SEC-018": [
    {
      label: "production tag without digest",
      fail: { spec: prodWeb({ image: "ghcr.io/acme/web:1.4.2" }) },
      pass: { spec: prodWeb({ image: IMAGE }) },
      path: "services[0].image",
    },
    {
      label: "a data service run by tag on kubernetes",
      fail: { spec: prodDb({ image: undefined }) },
      pass: { spec: prodDb({ image: `postgres:18@${DIGEST}` }) },
      path: "databases[0].image",
    },
  ],
  "CODE-REL-001": [
    {
      label: "one replica in production",
      fail: { spec: prodWeb({ replicas: 1 }) },
      pass: { spec: prodWeb({ replicas: 2 }) },
      path: "services[0].replicas",
    },
  ],
  "CODE-REL-002": [
    {
      label: "no backups in production",
      fail: { spec: prodDb({ backups: false }) },
      pass: { spec: prodDb({ backups: true }) },
      path: "databases[0].backups",
    },
  ],
  "CODE-REL-003": [
    {
      label: "no standby in production",
      fail: { spec: prodDb({ highAvailability: false }) },
      pass: { spec: prodDb({ highAvailability: true }) },
      path: "databases[0].highAvailability",
    },
  ],
  "CODE-REL-006": [
    {
      label: ":latest in production",
      fail: { spec: prodWeb({ image: "nginx:latest" }) },
      pass: { spec: prodWeb({ image: `nginx:1.27.3@${IMAGE.split("@")[1]}` }) },
      path: "services[0].image",
    },
    {
      label: "untagged in dev is a warning",
      fail: { spec: envWeb("dev", { image: "registry.local:5000/acme/web" }) },
      pass: { spec: envWeb("dev", { image: "registry.local:5000/acme/web:1.4.2" }) },
      path: "services[0].image",
      severity: "warning",
    },
  ],
  "CODE-REL-007": [
    {
      label: "autoscale max below replicas",
      fail: { spec: prodWeb({ replicas: 4, autoscale: { min: 2, max: 3, targetCpuPercent: 70 } }) },
      pass: { spec: prodWeb({ replicas: 4, autoscale: { min: 2, max: 6, targetCpuPercent: 70 } }) },
      path: "services[0].autoscale.max",
    },
  ],
  "CODE-REL-008": [
    {
      label: "autoscale min 1 in production",
      fail: { spec: prodWeb({ autoscale: { min: 1, max: 4, targetCpuPercent: 70 } }) },
      pass: { spec: prodWeb({ autoscale: { min: 2, max: 4, targetCpuPercent: 70 } }) },
      path: "services[0].autoscale.min",
    },
  ],
  "CODE-REL-009": [
    {
      label: "HA without backups in staging",
      fail: {
        spec: env("staging", {
          databases: [{ name: "postgres", engine: "postgres", highAvailability: true }],
        }),
      },
      pass: {
        spec: env("staging", {
          databases: [{ name: "postgres", engine: "postgres", highAvailability: true, backups: true }],
        }),
      },
      path: "databases[0].backups",
    },
  ],
  "CODE-REL-010": [
    {
      label: "10 GB in production",
      fail: { spec: prodDb({ storageGb: 10 }) },
      pass: { spec: prodDb({ storageGb: 20 }) },
      path: "databases[0].storageGb",
    },
  ],
  "CODE-REL-011": [
    {
      label: "a volume mounted by 3 replicas on kubernetes",
      fail: {
        spec: prodWeb({ replicas: 3, volumes: [{ name: "data", path: "/data" }] }, { target: "kubernetes" }),
      },
      pass: {
        spec: prodWeb({ replicas: 1, volumes: [{ name: "data", path: "/data" }] }, { target: "kubernetes" }),
      },
      path: "services[0].volumes",
    },
  ],
  "CODE-COST-001": [
    {
      label: "estimate over budget",
      fail: { spec: prod({ budget: { monthlyUsd: 5 } }), cost: { monthlyUsd: 182.4 } },
      pass: { spec: prod({ budget: { monthlyUsd: 500 } }), cost: { monthlyUsd: 182.4 } },
      path: "budget.monthlyUsd",
    },
  ],
  "CODE-COST-002": [
    {
      label: "estimate at 90% of budget",
      fail: { spec: prod({ budget: { monthlyUsd: 200 } }), cost: { monthlyUsd: 180 } },
      pass: { spec: prod({ budget: { monthlyUsd: 400 } }), cost: { monthlyUsd: 180 } },
      path: "budget.monthlyUsd",
    },
  ],
  "CODE-COST-003": [
    {
      label: "six replicas in dev",
      fail: { spec: envWeb("dev", { replicas: 6 }) },
      pass: { spec: envWeb("dev", { replicas: 1 }) },
      path: "services[0].replicas",
    },
    {
      label: "autoscaling to 20 in a preview environment",
      fail: { spec: envWeb("preview", { autoscale: { min: 1, max: 20, targetCpuPercent: 70 } }) },
      pass: { spec: envWeb("preview", { autoscale: { min: 1, max: 3, targetCpuPercent: 70 } }) },
      path: "services[0].autoscale.max",
    },
  ],
  "CODE-COST-004": [
    {
      label: "32 CPUs per replica",
      fail: { spec: prodWeb({ resources: { cpu: "32", memory: "4Gi" } }) },
      pass: { spec: prodWeb({ resources: { cpu: "4", memory: "4Gi" } }) },
      path: "services[0].resources.cpu",
    },
    {
      label: "128 GiB per replica",
      fail: { spec: prodWeb({ resources: { cpu: "2", memory: "128Gi" } }) },
      pass: { spec: prodWeb({ resources: { cpu: "2", memory: "64Gi" } }) },
      path: "services[0].resources.memory",
    },
  ],
  "CODE-COST-005": [
    {
      label: "production without budget",
      fail: { spec: prod({ budget: undefined }) },
      pass: { spec: prod({ budget: { monthlyUsd: 300 } }) },
      path: "budget",
    },
  ],
  "CODE-OPS-001": [
    {
      label: "monitoring off in production",
      fail: { spec: prod({ monitoring: { enabled: false } }) },
      pass: { spec: prod({ monitoring: { enabled: true } }) },
      path: "monitoring.enabled",
    },
  ],
  "CODE-OPS-002": [
    {
      label: "aws without a region",
      fail: { spec: prod({ region: undefined }) },
      pass: { spec: prod({ region: "us-east-1" }) },
      path: "region",
    },
  ],
  "CODE-OPS-003": [
    {
      label: "terraform with cloud local",
      fail: { spec: env("dev", { target: "terraform", cloud: "local", region: undefined }) },
      pass: { spec: env("dev", { target: "terraform", cloud: "aws" }) },
      path: "cloud",
    },
  ],
  "CODE-OPS-004": [
    {
      label: "public production service without a domain",
      fail: { spec: prodWeb({ domain: undefined, tls: true }) },
      pass: { spec: prodWeb({ domain: "shop.example.com" }) },
      path: "services[0].domain",
    },
  ],
  "CODE-OPS-005": [
    {
      label: "service without an image",
      fail: { spec: prodWeb({ image: undefined }) },
      severity: "error",
      pass: { spec: prodWeb({ image: IMAGE }) },
      path: "services[0].image",
    },
  ],
  "CODE-OPS-008": [
    {
      label: "a repository's chart without a version",
      fail: chartOf({ repo: "https://charts.example.com", name: "redis" }),
      pass: chartOf({ repo: "https://charts.example.com", name: "redis", version: "19.0.1" }),
      path: "services[1].chart.version",
    },
  ],
  "CODE-OPS-006": [
    {
      label: "cron every minute",
      fail: cronEvery("* * * * *"),
      pass: cronEvery("*/5 * * * *"),
      path: "services[1].schedule",
    },
    {
      label: "cron every 2 minutes during office hours",
      fail: cronEvery("*/2 9-17 * * 1-5"),
      pass: cronEvery("0 9-17 * * 1-5"),
      path: "services[1].schedule",
    },
  ],
  "CODE-OPS-007": [
    {
      label: "public service with a domain and no port on kubernetes",
      fail: { spec: prodWeb({ port: undefined }, { target: "kubernetes" }) },
      pass: { spec: prodWeb({ port: 8080 }, { target: "kubernetes" }) },
      path: "services[0].port",
    },
    {
      label: "and on docker",
      fail: { spec: prodWeb({ port: undefined }, { target: "docker" }) },
      pass: { spec: prodWeb({ port: undefined, domain: undefined }, { target: "docker" }) },
      path: "services[0].port",
    },
  ],
};
