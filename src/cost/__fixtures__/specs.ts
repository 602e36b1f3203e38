/** Specs for the cost tests: the shared rich-prod example and small builders. */
import { readFileSync } from "node:fs";
import {
  type DeploymentSpec,
  type DeploymentSpecInput,
  parseSpecText,
  validateSpec,
} from "../../spec/index.js";

/** A copy of /work/shared/examples/rich-prod.yaml (aws eu-central-1, kubernetes, production). */
export function richProd(): DeploymentSpec {
  return parseSpecText(readFileSync(new URL("./rich-prod.yaml", import.meta.url), "utf8"), "rich-prod.yaml");
}

/** The rich-prod input with changes, parsed again so environment-dependent defaults follow. */
export function richProdWith(change: Partial<DeploymentSpecInput>): DeploymentSpec {
  const input = parseSpecText(readFileSync(new URL("./rich-prod.yaml", import.meta.url), "utf8"));
  return validateSpec({ ...input, ...change });
}

export function spec(input: DeploymentSpecInput): DeploymentSpec {
  return validateSpec(input);
}

/** `n` services: mostly web and workers with resources, every tenth a cron job, some autoscaling. */
export function manyServices(n: number, base: Partial<DeploymentSpecInput> = {}): DeploymentSpec {
  const services = Array.from({ length: n }, (_, i) => {
    const name = `svc-${i}`;
    if (i % 10 === 9) return { name, kind: "cron" as const, schedule: "0 3 * * *" };
    const kind = i % 3 === 0 ? ("worker" as const) : ("web" as const);
    return {
      name,
      kind,
      replicas: 1 + (i % 3),
      resources: { cpu: i % 2 === 0 ? "250m" : "1", memory: i % 2 === 0 ? "256Mi" : "1Gi" },
      ...(i % 7 === 0 ? { autoscale: { min: 1, max: 5, targetCpuPercent: 70 } } : {}),
    };
  });
  return validateSpec({
    name: "big",
    environment: "production",
    target: "kubernetes",
    cloud: "aws",
    region: "us-east-1",
    services,
    databases: [{ name: "db", engine: "postgres", storageGb: 100, highAvailability: true }],
    caches: [{ name: "cache", engine: "redis" }],
    queues: [{ name: "events", engine: "sqs" }],
    buckets: [{ name: "files" }],
    ...base,
  });
}
