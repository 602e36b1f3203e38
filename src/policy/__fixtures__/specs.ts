/** Spec builders for policy tests: a clean production spec that no built-in rule flags, and variations of it. */
import type { DeploymentSpec, DeploymentSpecInput } from "../../spec/schema.js";
import { validateSpec } from "../../spec/validate.js";

export type ServiceInput = NonNullable<DeploymentSpecInput["services"]>[number];
export type DatabaseInput = NonNullable<DeploymentSpecInput["databases"]>[number];

export const DIGEST = `sha256:${"ab".repeat(32)}`;
export const IMAGE = `ghcr.io/acme/web:1.4.2@${DIGEST}`;

export const WEB: ServiceInput = {
  name: "web",
  kind: "web",
  image: IMAGE,
  port: 8080,
  replicas: 2,
  public: true,
  domain: "shop.example.com",
  tls: true,
  resources: { cpu: "500m", memory: "512Mi" },
  healthCheck: { path: "/healthz" },
  dependsOn: ["postgres"],
};

export const CRON: ServiceInput = {
  name: "report",
  kind: "cron",
  image: `ghcr.io/acme/report:1.4.2@${DIGEST}`,
  schedule: "0 2 * * *",
  resources: { cpu: "250m", memory: "256Mi" },
};

export const POSTGRES: DatabaseInput = {
  name: "postgres",
  engine: "postgres",
  image: `postgres:18@${DIGEST}`,
  storageGb: 50,
  highAvailability: true,
  backups: true,
};

const PRODUCTION: DeploymentSpecInput = {
  name: "shop",
  environment: "production",
  target: "kubernetes",
  cloud: "aws",
  region: "eu-central-1",
  services: [WEB],
  databases: [POSTGRES],
  monitoring: { enabled: true },
  budget: { monthlyUsd: 1000 },
};

/** The clean production spec, with top-level fields replaced. */
export function prod(patch: Partial<DeploymentSpecInput> = {}): DeploymentSpec {
  return validateSpec({ ...PRODUCTION, ...patch });
}

/** The same app in another environment (dev by default). */
export function env(environment: string, patch: Partial<DeploymentSpecInput> = {}): DeploymentSpec {
  return prod({ environment, ...patch });
}

/** Production with the web service changed. */
export function prodWeb(
  patch: Partial<ServiceInput>,
  top: Partial<DeploymentSpecInput> = {},
): DeploymentSpec {
  return prod({ services: [{ ...WEB, ...patch }], ...top });
}

/** Another environment with the web service changed. */
export function envWeb(environment: string, patch: Partial<ServiceInput>): DeploymentSpec {
  return env(environment, { services: [{ ...WEB, ...patch }] });
}

export function prodDb(
  patch: Partial<DatabaseInput>,
  top: Partial<DeploymentSpecInput> = {},
): DeploymentSpec {
  return prod({ databases: [{ ...POSTGRES, ...patch }], ...top });
}

export function withEnv(vars: Record<string, string>, environment = "production"): DeploymentSpec {
  return env(environment, { services: [{ ...WEB, env: vars }] });
}
