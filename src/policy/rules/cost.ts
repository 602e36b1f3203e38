/** Cost rules: the estimate against the budget, and sizes out of proportion with the environment. */

import { isProduction } from "../../spec/environment.js";
import { cpuCores, memoryGib } from "../../spec/quantity.js";
import type { PolicyRule } from "../types.js";
import { isDevLike, renderedServices, serviceLabel, servicePath, specPath, usd } from "../util.js";

export const overBudget = {
  id: "CODE-COST-001",
  severity: "error",
  category: "cost",
  title: "Estimate over budget",
  description: "The monthly estimate exceeds budget.monthlyUsd. Needs a cost estimate in the input.",
  *check({ spec, cost }) {
    if (spec.budget === undefined || cost === undefined || cost.monthlyUsd <= spec.budget.monthlyUsd) return;
    yield {
      path: specPath("budget", "monthlyUsd"),
      message: `the estimate of ${usd(cost.monthlyUsd)}/month exceeds the budget of ${usd(spec.budget.monthlyUsd)}/month`,
      hint: "raise the budget, or lower replicas, resources, storage or high availability (`codeploy plan` shows the estimate line by line)",
    };
  },
} satisfies PolicyRule;

const NEAR_BUDGET = 0.8;

export const nearBudget = {
  id: "CODE-COST-002",
  severity: "warning",
  category: "cost",
  title: "Estimate close to budget",
  description: `The monthly estimate uses ${NEAR_BUDGET * 100}% or more of the budget: a scale-up will cross it.`,
  *check({ spec, cost }) {
    if (spec.budget === undefined || cost === undefined) return;
    const share = cost.monthlyUsd / spec.budget.monthlyUsd;
    if (share < NEAR_BUDGET || share > 1) return;
    yield {
      path: specPath("budget", "monthlyUsd"),
      message: `the estimate of ${usd(cost.monthlyUsd)}/month uses ${Math.round(share * 100)}% of the ${usd(spec.budget.monthlyUsd)} budget`,
      hint: "keep headroom for autoscaling and storage growth, or raise the budget",
    };
  },
} satisfies PolicyRule;

const DEV_MAX_REPLICAS = 3;
const DEV_MAX_AUTOSCALE = 5;

export const devOverprovisioned = {
  id: "CODE-COST-003",
  severity: "warning",
  category: "cost",
  title: "Many replicas outside production",
  description: `More than ${DEV_MAX_REPLICAS} replicas (or autoscaling above ${DEV_MAX_AUTOSCALE}) in dev-like environments (not production or staging) is usually a copy-paste from production.`,
  *check({ spec }) {
    if (!isDevLike(spec)) return;
    for (const [service, i] of renderedServices(spec)) {
      if (service.replicas > DEV_MAX_REPLICAS) {
        yield {
          path: servicePath(i, "replicas"),
          message: `${serviceLabel(service)} runs ${service.replicas} replicas in ${spec.environment}`,
          hint: `use 1 replica in ${spec.environment}; keep the high counts for production`,
        };
      }
      if (service.autoscale !== undefined && service.autoscale.max > DEV_MAX_AUTOSCALE) {
        yield {
          path: servicePath(i, "autoscale", "max"),
          message: `${serviceLabel(service)} may autoscale to ${service.autoscale.max} replicas in ${spec.environment}`,
          hint: `cap autoscale.max at ${DEV_MAX_AUTOSCALE} or less outside production`,
        };
      }
    }
  },
} satisfies PolicyRule;

const MAX_CPU = 16;
const MAX_MEMORY_GIB = 64;

export const oversizedResources = {
  id: "CODE-COST-004",
  severity: "warning",
  category: "cost",
  title: "Very large resources per replica",
  description: `More than ${MAX_CPU} CPUs or ${MAX_MEMORY_GIB} GiB per replica needs dedicated large nodes and is often a unit mistake ("4000" for "4000m").`,
  *check({ spec }) {
    for (const [service, i] of renderedServices(spec)) {
      const { cpu, memory } = service.resources ?? {};
      const cores = cpuCores(cpu);
      if (cores !== undefined && cores > MAX_CPU) {
        yield {
          path: servicePath(i, "resources", "cpu"),
          message: `${serviceLabel(service)} asks for ${cores} CPUs per replica`,
          hint: 'check the unit ("500m" is half a CPU); scale out with replicas rather than up',
        };
      }
      const gib = memoryGib(memory);
      if (gib !== undefined && gib > MAX_MEMORY_GIB) {
        yield {
          path: servicePath(i, "resources", "memory"),
          message: `${serviceLabel(service)} asks for ${memory} of memory per replica`,
          hint: 'check the unit ("512Mi", "4Gi"); scale out with replicas rather than up',
        };
      }
    }
  },
} satisfies PolicyRule;

export const productionWithoutBudget = {
  id: "CODE-COST-005",
  severity: "info",
  category: "cost",
  title: "Production without a budget",
  description: "Without budget.monthlyUsd, nothing stops a change that multiplies the bill.",
  *check({ spec }) {
    if (!isProduction(spec) || spec.budget !== undefined) return;
    yield {
      path: "budget",
      message: "production has no monthly budget",
      hint: "set budget: { monthlyUsd: <amount> } so that plans over it are refused",
    };
  },
} satisfies PolicyRule;
