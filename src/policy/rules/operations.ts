/** Operations rules: monitoring, regions, domains, images and schedules that make a deployment operable. */
import { isProduction } from "../../spec/environment.js";
import { cronExpressionParser } from "../../spec/field-checks.js";
import { rendersPublicEndpoint } from "../../spec/target-capabilities.js";
import type { PolicyRule } from "../types.js";
import { renderedServices, serviceLabel, servicePath } from "../util.js";

export const productionWithoutMonitoring = {
  id: "CODE-OPS-001",
  severity: "error",
  category: "operations",
  title: "Production without monitoring",
  description: "With monitoring off, outages and saturation in production are found by users first.",
  *check({ spec }) {
    if (!isProduction(spec) || spec.monitoring.enabled) return;
    yield {
      path: "monitoring.enabled",
      message: "monitoring is off in production",
      hint: "set monitoring: { enabled: true } (metrics, logs and alerts on the services)",
    };
  },
} satisfies PolicyRule;

export const missingRegion = {
  id: "CODE-OPS-002",
  severity: "warning",
  category: "operations",
  title: "Cloud without a region",
  description:
    "Without a region, CODE picks the cloud's US default, which decides where data lives (latency, data residency).",
  *check({ spec }) {
    if (spec.cloud === "local" || spec.region !== undefined) return;
    yield {
      path: "region",
      message: `cloud ${spec.cloud} has no region: CODE falls back to ${{ aws: "us-east-1", gcp: "us-central1", azure: "eastus" }[spec.cloud]}, which may not be where your users or data belong`,
      hint: 'set region to the cloud\'s code, such as "eu-central-1", "europe-west1" or "westeurope"',
    };
  },
} satisfies PolicyRule;

export const terraformLocal = {
  id: "CODE-OPS-003",
  severity: "info",
  category: "operations",
  title: "Terraform target without a cloud",
  description: "target terraform with cloud local has no cloud to create resources in.",
  *check({ spec }) {
    if (spec.target !== "terraform" || spec.cloud !== "local") return;
    yield {
      path: "cloud",
      message: "target terraform is used with cloud local",
      hint: "name a cloud (aws, gcp, azure), or use target docker to run locally",
    };
  },
} satisfies PolicyRule;

export const publicWithoutDomain = {
  id: "CODE-OPS-004",
  severity: "warning",
  category: "operations",
  title: "Public production service without a domain",
  description:
    "Without a domain, users reach production through a generated address that changes when the load balancer does, and no certificate can be issued.",
  *check({ spec }) {
    if (!isProduction(spec)) return;
    for (const [service, i] of renderedServices(spec)) {
      if (!service.public || service.domain !== undefined) continue;
      yield {
        path: servicePath(i, "domain"),
        message: `public ${serviceLabel(service)} has no domain in production`,
        hint: "set domain (such as shop.example.com) and tls: true",
      };
    }
  },
} satisfies PolicyRule;

export const missingImage = {
  id: "CODE-OPS-005",
  severity: "warning",
  category: "operations",
  title: "Service without an image",
  description:
    "A service without an image has nothing to run. On docker and kubernetes the deployment would stop half-made, so it is an error there; elsewhere the renderer can only put a placeholder.",
  *check({ spec }) {
    // The docker provider and Kubernetes run images; neither builds one from a folder.
    const runsImages = spec.target === "docker" || spec.target === "kubernetes";
    for (const [service, i] of renderedServices(spec)) {
      if (service.image !== undefined) continue;
      yield {
        path: servicePath(i, "image"),
        message: `${serviceLabel(service)} has no image${runsImages ? `: the ${spec.target} target has nothing to run` : ""}`,
        hint: "set image to the container image to run, such as ghcr.io/acme/web:1.4.2",
        ...(runsImages ? { severity: "error" as const } : {}),
      };
    }
  },
} satisfies PolicyRule;

const MIN_CRON_GAP_MINUTES = 5;
/** A fixed start keeps the check pure: the same schedule always gives the same answer. */
const CRON_ORIGIN = "2026-01-05T00:00:00Z";

/** The shortest gap between runs, in minutes, over the next 60 runs. */
export function shortestCronGap(schedule: string): number {
  const runs = cronExpressionParser()
    .parse(schedule, { currentDate: CRON_ORIGIN, tz: "UTC" })
    .take(60)
    .map((d) => d.getTime());
  let gap = Number.POSITIVE_INFINITY;
  for (let i = 1; i < runs.length; i++) gap = Math.min(gap, ((runs[i] ?? 0) - (runs[i - 1] ?? 0)) / 60_000);
  return gap;
}

export const frequentCron = {
  id: "CODE-OPS-006",
  severity: "warning",
  category: "operations",
  title: "Cron job runs too often",
  description: `A cron job that runs less than ${MIN_CRON_GAP_MINUTES} minutes apart starts a container each time and overlaps itself; that is a worker's job.`,
  *check({ spec }) {
    for (const [service, i] of renderedServices(spec)) {
      if (service.kind !== "cron" || service.schedule === undefined) continue;
      const gap = shortestCronGap(service.schedule);
      if (gap >= MIN_CRON_GAP_MINUTES) continue;
      yield {
        path: servicePath(i, "schedule"),
        message: `cron ${serviceLabel(service)} runs every ${gap} minute${gap === 1 ? "" : "s"} ("${service.schedule}")`,
        hint: "run it as a worker that loops, or schedule it every 5 minutes or less often",
      };
    }
  },
} satisfies PolicyRule;

export const domainWithoutPort = {
  id: "CODE-OPS-007",
  severity: "warning",
  category: "operations",
  title: "Public service with a domain and no port",
  description:
    "Without a port nothing can route the domain to the service: no Ingress on kubernetes, no published port on docker. The plan promises no public endpoint for it.",
  *check({ spec }) {
    for (const [service, i] of renderedServices(spec)) {
      if (!service.public || service.domain === undefined || service.port !== undefined) continue;
      if (service.kind === "cron" || rendersPublicEndpoint(spec, service)) continue;
      yield {
        path: servicePath(i, "port"),
        message: `public ${serviceLabel(service)} has domain ${service.domain} but no port: target ${spec.target} renders no public endpoint for it`,
        hint: "set port to the port the container listens on (such as 80 or 8080)",
      };
    }
  },
} satisfies PolicyRule;

export const unpinnedChart = {
  id: "CODE-OPS-008",
  severity: "warning",
  category: "operations",
  title: "Chart of a repository without a version",
  description:
    "A service's chart from a repository without chart.version installs whatever is newest when the deployment runs: two deployments of the same spec can run different charts, and a rollback cannot bring the old one back.",
  *check({ spec }) {
    for (const [i, service] of spec.services.entries()) {
      const chart = service.chart;
      if (chart?.repo === undefined || chart.version !== undefined) continue;
      yield {
        path: servicePath(i, "chart", "version"),
        message: `${serviceLabel(service)} installs chart ${chart.name ?? "?"} from ${chart.repo} in whatever version is newest`,
        hint: 'pin chart.version to the version you reviewed, such as "19.0.1"',
      };
    }
  },
} satisfies PolicyRule;
