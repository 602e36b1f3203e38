/**
 * The DeploymentSpec (contract v1, ../shared/contract/spec.md): one zod schema
 * whose output has every default applied. Defaults that depend on other fields
 * (replicas and backups in production, `public` by kind, `tls` with a domain)
 * are filled by one transform after the fields parse, so the input schema (and
 * the JSON Schema export) stays what a person writes.
 */
import { z } from "zod";
import { chartSchema, NOT_FOR_CHARTS } from "./chart.js";
import { isProduction } from "./environment.js";
import {
  cronProblem,
  DOMAIN_NAME,
  domainProblem,
  findCycle,
  healthPathProblem,
  IMAGE_REFERENCE,
  imageProblem,
  RESERVED_ENV_KEYS,
  URL_PATH,
} from "./field-checks.js";
import { hostPortIssues } from "./host-ports.js";
import { findRegion } from "./regions.js";
import { isMalformedSecretRef } from "./secret-refs.js";
import { TARGETS } from "./targets.js";
import { volumeIssues, workloadFields } from "./workload-fields.js";

const KEBAB = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const kebab = () =>
  z
    .string()
    .min(1, "must not be empty")
    .max(63, "must be at most 63 characters")
    .regex(KEBAB, `must be kebab-case: lower-case letters, digits and "-" (like "my-app")`);

export const SERVICE_KINDS = ["web", "worker", "cron"] as const;
export const CLOUDS = ["local", "aws", "gcp", "azure"] as const;
export const DATABASE_ENGINES = ["postgres", "mysql", "mariadb", "mongodb"] as const;
export const CACHE_ENGINES = ["redis", "memcached", "valkey"] as const;
export const QUEUE_ENGINES = ["rabbitmq", "nats", "kafka", "sqs"] as const;
export const ACTIONS = ["deploy", "destroy", "rollback", "status", "scale"] as const;

/** Kubernetes-style CPU quantity: "2", "0.5", "500m". */
const CPU = /^(\d+(\.\d+)?|\d+m)$/;
/** Memory quantity with a binary or decimal suffix: "512Mi", "4Gi", "1G". */
const MEMORY = /^\d+(\.\d+)?(Ki|Mi|Gi|Ti|K|M|G|T)?$/;

export function isValidCron(expr: string): boolean {
  return cronProblem(expr) === undefined;
}

/**
 * A string checked by one of field-checks' functions, the problem reported at
 * the field's path; `pattern` says the same rule in the JSON Schema export.
 */
const checkedString = (problem: (value: string) => string | undefined, pattern?: RegExp) => {
  const checked = z.string().superRefine((value, ctx) => {
    const found = problem(value);
    if (found !== undefined) ctx.addIssue({ code: "custom", message: found });
  });
  return pattern === undefined ? checked : checked.meta({ pattern: pattern.source });
};

const resourcesSchema = z.strictObject({
  cpu: z.string().regex(CPU, 'cpu must be a number of cores ("2", "0.5") or millicores ("500m")').optional(),
  memory: z.string().regex(MEMORY, 'memory must be a size such as "512Mi" or "4Gi"').optional(),
});

const autoscaleSchema = z
  .strictObject({
    min: z.number().int().min(1),
    max: z.number().int().min(1),
    targetCpuPercent: z.number().int().min(1).max(100).default(70),
  })
  .refine((a) => a.max >= a.min, { message: "max must be >= min", path: ["max"] });

const serviceFields = z.strictObject({
  name: kebab(),
  kind: z.enum(SERVICE_KINDS).default("web"),
  image: checkedString(imageProblem, IMAGE_REFERENCE).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  hostPort: z.number().int().min(1).max(65535).optional().meta({
    description:
      "Docker: the host port a public service is published on, kept across updates (replica i on hostPort+i). Absent: the service's port (or the next free range), chosen on the first apply and kept",
  }),
  replicas: z.number().int().min(0).max(10_000).optional(),
  public: z.boolean().optional(),
  domain: checkedString(domainProblem, DOMAIN_NAME).optional(),
  tls: z.boolean().optional(),
  env: z
    .record(
      z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_.]*$/, "must be a variable name")
        .refine(
          (key) => !RESERVED_ENV_KEYS.has(key),
          "__proto__, constructor and prototype are reserved names",
        ),
      z.string(),
    )
    .default({})
    .meta({
      description:
        "Environment variables. A value secret:NAME is a reference: the deployment reads it from CODEPLOY_SECRET_NAME in the deploying process's environment and never stores it",
    }),
  resources: resourcesSchema.optional(),
  autoscale: autoscaleSchema.optional(),
  healthCheck: z.strictObject({ path: checkedString(healthPathProblem, URL_PATH) }).optional(),
  metricsPath: checkedString(healthPathProblem, URL_PATH).optional().meta({
    description:
      "Path of the service's Prometheus metrics (with monitoring on, it is scraped and gets request alerts). Absent: /metrics when metricsPort is set, the image's own for well-known images that serve metrics, else none",
  }),
  metricsPort: z.number().int().min(1).max(65535).optional().meta({
    description:
      "Port of the service's Prometheus metrics. Absent: the service's port when metricsPath is set",
  }),
  runAsRoot: z.boolean().optional().meta({
    description:
      "Kubernetes: let the image start as root (baseline Pod Security instead of restricted). Absent: true for official images known to start as root (nginx, wordpress...), else false",
  }),
  readOnlyRootFilesystem: z.boolean().optional().meta({
    description:
      "Kubernetes: mount the container's root filesystem read-only (/tmp stays writable). Absent: true, except for well-known images that write into their own directories",
  }),
  internetEgress: z.boolean().optional().meta({
    description:
      "Kubernetes: allow connections to public internet addresses (third-party APIs). Absent: false, the service reaches only its dependencies and DNS; private ranges and the cloud metadata address stay closed either way",
  }),
  schedule: checkedString(cronProblem).optional(),
  dependsOn: z.array(kebab()).default([]),
  ...workloadFields,
  chart: chartSchema.optional().meta({
    description:
      "Kubernetes: this service is an existing Helm chart, installed as its own release (helm upgrade --install --atomic). Its image, ports and replicas come from the chart and chart.values",
  }),
});

/** A chart service takes its settings from the chart: a field CODE would render is refused, with where to put it instead. */
const serviceSchema = serviceFields.superRefine((s, ctx) => {
  for (const issue of volumeIssues(s.volumes)) ctx.addIssue({ code: "custom", ...issue });
  if (s.chart === undefined) return;
  for (const field of NOT_FOR_CHARTS) {
    if (s[field] !== undefined)
      ctx.addIssue({
        code: "custom",
        path: [field],
        message: `a service with a chart takes ${field} from the chart: set it in chart.values instead`,
      });
  }
  if (Object.keys(s.env).length > 0)
    ctx.addIssue({
      code: "custom",
      path: ["env"],
      message: "a service with a chart takes its environment from the chart: set it in chart.values instead",
    });
  if (s.kind === "cron")
    ctx.addIssue({
      code: "custom",
      path: ["kind"],
      message: "a service with a chart is web or worker (its schedule, if any, is the chart's)",
    });
});

/** A data service's image in place of the engine's official one (a mirror, a digest pin). */
const dataImage = () =>
  checkedString(imageProblem, IMAGE_REFERENCE).optional().meta({
    description:
      "docker and kubernetes targets: the image to run instead of the engine's official one (default: the official image at `version`), e.g. a mirror pinned by digest; it must be that engine's image, run the same way",
  });

const databaseSchema = z.strictObject({
  name: kebab(),
  engine: z.enum(DATABASE_ENGINES),
  version: z.string().min(1).max(32).optional(),
  image: dataImage(),
  storageGb: z.number().int().min(1).max(65_536).default(10),
  highAvailability: z.boolean().default(false),
  backups: z.boolean().optional(),
});

const cacheSchema = z.strictObject({
  name: kebab(),
  engine: z.enum(CACHE_ENGINES),
  version: z.string().min(1).max(32).optional(),
  image: dataImage(),
});

const queueSchema = z.strictObject({
  name: kebab(),
  engine: z.enum(QUEUE_ENGINES),
  version: z.string().min(1).max(32).optional(),
  image: dataImage(),
});

const bucketSchema = z.strictObject({
  name: kebab(),
  public: z.boolean().default(false),
});

/** What a person writes: env-dependent defaults still open. */
export const deploymentSpecInput = z.strictObject({
  name: kebab().default("app"),
  environment: kebab().default("dev"),
  target: z.enum(TARGETS).default("docker"),
  cloud: z.enum(CLOUDS).default("local"),
  region: z.string().min(1).optional(),
  services: z.array(serviceSchema).default([]),
  databases: z.array(databaseSchema).default([]),
  caches: z.array(cacheSchema).default([]),
  queues: z.array(queueSchema).default([]),
  buckets: z.array(bucketSchema).default([]),
  monitoring: z
    .strictObject({
      enabled: z.boolean(),
      prometheus: z.boolean().optional().meta({
        description:
          "Docker: run a Prometheus service beside the app (compose.yaml) with the rendered scrape configuration and alert rules. @default false",
      }),
    })
    .optional(),
  budget: z.strictObject({ monthlyUsd: z.number().positive() }).optional(),
});

type ParsedInput = z.output<typeof deploymentSpecInput>;

function applyDefaults(spec: ParsedInput) {
  const production = isProduction(spec);
  return {
    ...spec,
    services: spec.services.map((s) => {
      const tls = s.tls ?? s.domain !== undefined;
      return {
        ...s,
        replicas: s.replicas ?? (production ? 2 : 1),
        // A chart's own objects decide what is public; CODE renders no Ingress for it.
        public: s.public ?? (s.kind === "web" && s.chart === undefined),
        tls,
      };
    }),
    databases: spec.databases.map((d) => ({ ...d, backups: d.backups ?? production })),
    monitoring: spec.monitoring ?? { enabled: production },
  };
}

type Ctx = z.core.$RefinementCtx<ReturnType<typeof applyDefaults>>;

function checkReferences(spec: ReturnType<typeof applyDefaults>, ctx: Ctx): void {
  const owners = new Map<string, string>();
  const groups = ["services", "databases", "caches", "queues", "buckets"] as const;
  for (const group of groups) {
    spec[group].forEach((item, i) => {
      const seen = owners.get(item.name);
      if (seen) {
        ctx.addIssue({
          code: "custom",
          path: [group, i, "name"],
          message: `duplicate name "${item.name}" (already used by ${seen}); every component needs its own name`,
        });
      } else owners.set(item.name, `${group}[${i}]`);
    });
  }
  spec.services.forEach((s, i) => {
    if (s.chart !== undefined && spec.target !== "kubernetes")
      ctx.addIssue({
        code: "custom",
        path: ["services", i, "chart"],
        message: `a Helm chart is installed on Kubernetes only: set target: kubernetes (the spec's target is ${spec.target})`,
      });
    s.dependsOn.forEach((dep, j) => {
      if (!owners.has(dep)) {
        ctx.addIssue({
          code: "custom",
          path: ["services", i, "dependsOn", j],
          message: `"${dep}" is not a service, database, cache, queue or bucket of this spec`,
        });
      } else if (dep === s.name) {
        ctx.addIssue({
          code: "custom",
          path: ["services", i, "dependsOn", j],
          message: "a service cannot depend on itself",
        });
      }
    });
    for (const [name, value] of Object.entries(s.env)) {
      if (isMalformedSecretRef(value))
        ctx.addIssue({
          code: "custom",
          path: ["services", i, "env", name],
          message: `"${value}" is not a secret reference: write secret:NAME (letters, digits, _ . and -)`,
        });
    }
    if (s.kind === "cron" && s.schedule === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["services", i, "schedule"],
        message: 'required for kind cron (such as "0 2 * * *")',
      });
    }
    if (s.kind !== "cron" && s.schedule !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["services", i, "schedule"],
        message: "only a cron service has a schedule",
      });
    }
    if (s.kind !== "web" && s.public) {
      ctx.addIssue({
        code: "custom",
        path: ["services", i, "public"],
        message: `a ${s.kind} service cannot be public`,
      });
    }
    if (s.domain !== undefined && !s.public) {
      ctx.addIssue({
        code: "custom",
        path: ["services", i, "domain"],
        message: "only a public web service can have a domain",
      });
    }
    if (s.autoscale && s.kind !== "web" && s.kind !== "worker") {
      ctx.addIssue({
        code: "custom",
        path: ["services", i, "autoscale"],
        message: "a cron service cannot autoscale",
      });
    }
  });
  for (const issue of hostPortIssues(spec.services))
    ctx.addIssue({ code: "custom", path: ["services", issue.index, "hostPort"], message: issue.message });
  checkCycles(spec, ctx);
  if (spec.region !== undefined) {
    const region = findRegion(spec.region);
    if (spec.cloud === "local") {
      ctx.addIssue({
        code: "custom",
        path: ["region"],
        message: "a region needs a cloud (aws, gcp or azure)",
      });
    } else if (region === undefined || region.cloud !== spec.cloud) {
      ctx.addIssue({
        code: "custom",
        path: ["region"],
        message: `"${spec.region}" is not a known ${spec.cloud} region`,
      });
    }
  }
}

/** dependsOn cycles among services, each named whole, so `validate` says what `plan` would refuse. */
function checkCycles(spec: ReturnType<typeof applyDefaults>, ctx: Ctx): void {
  const edges = new Map(spec.services.map((s) => [s.name, s.dependsOn.filter((d) => d !== s.name)]));
  const cycle = findCycle(edges);
  if (cycle === undefined) return;
  const at = spec.services.findIndex((s) => s.name === cycle[0]);
  ctx.addIssue({
    code: "custom",
    path: ["services", at, "dependsOn"],
    message: `dependency cycle: ${cycle.join(" -> ")} (each depends on the next); remove one of these dependsOn links`,
  });
}

/** The DeploymentSpec: parse with this to get every default applied and every reference checked. */
export const deploymentSpecSchema = deploymentSpecInput.transform(applyDefaults).superRefine(checkReferences);

export type DeploymentSpecInput = z.input<typeof deploymentSpecInput>;
export type DeploymentSpec = z.output<typeof deploymentSpecSchema>;
export type Service = DeploymentSpec["services"][number];
export type { Volume } from "./workload-fields.js";
export type Database = DeploymentSpec["databases"][number];
export type Cache = DeploymentSpec["caches"][number];
export type Queue = DeploymentSpec["queues"][number];
export type Bucket = DeploymentSpec["buckets"][number];
export type ServiceKind = (typeof SERVICE_KINDS)[number];
export { TARGETS, type Target } from "./targets.js";
export type Cloud = (typeof CLOUDS)[number];
export type DatabaseEngine = (typeof DATABASE_ENGINES)[number];
export type CacheEngine = (typeof CACHE_ENGINES)[number];
export type QueueEngine = (typeof QUEUE_ENGINES)[number];
export type Action = (typeof ACTIONS)[number];
