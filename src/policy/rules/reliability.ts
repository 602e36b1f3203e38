/** Reliability rules over the spec: replicas, backups, HA, image tags, autoscaling, storage. */

import { isProduction } from "../../spec/environment.js";
import { foreignKubeImages, parseImage } from "../images.js";
import type { PolicyRule } from "../types.js";
import { indexed, prodSeverity, renderedServices, serviceLabel, servicePath, specPath } from "../util.js";

export const singleReplica = {
  id: "CODE-REL-001",
  severity: "error",
  category: "reliability",
  title: "Single replica in production",
  description:
    "One replica means every deploy, node drain or crash is an outage. Cron jobs are exempt; autoscaled services are CODE-REL-008's.",
  *check({ spec }) {
    if (!isProduction(spec)) return;
    for (const [service, i] of renderedServices(spec)) {
      if (service.kind === "cron" || service.autoscale !== undefined || service.replicas !== 1) continue;
      yield {
        path: servicePath(i, "replicas"),
        message: `${serviceLabel(service)} runs a single replica in production`,
        hint: "set replicas: 2 or more (or autoscale with min >= 2)",
      };
    }
  },
} satisfies PolicyRule;

export const noBackups = {
  id: "CODE-REL-002",
  severity: "error",
  category: "reliability",
  title: "Production database without backups",
  description: "Without backups, a bad migration or a deleted volume loses the data for good.",
  *check({ spec }) {
    if (!isProduction(spec)) return;
    for (const [db, i] of indexed(spec.databases)) {
      if (db.backups) continue;
      yield {
        path: specPath("databases", i, "backups"),
        message: `database "${db.name}" has no backups in production`,
        hint: "set backups: true",
      };
    }
  },
} satisfies PolicyRule;

export const noHighAvailability = {
  id: "CODE-REL-003",
  severity: "warning",
  category: "reliability",
  title: "Production database without high availability",
  description:
    "A single database instance makes every failure or maintenance window an outage of the whole app.",
  *check({ spec }) {
    if (!isProduction(spec)) return;
    for (const [db, i] of indexed(spec.databases)) {
      if (db.highAvailability) continue;
      yield {
        path: specPath("databases", i, "highAvailability"),
        message: `database "${db.name}" runs without a standby in production`,
        hint: "set highAvailability: true (a standby in another zone with automatic failover)",
      };
    }
  },
} satisfies PolicyRule;

export const mutableImage = {
  id: "CODE-REL-006",
  severity: "error",
  category: "reliability",
  title: "Image :latest or untagged",
  description:
    "latest (or no tag, which means latest) changes under you: two nodes can run different code and a rollback cannot go back. Error in production, warning elsewhere. Judged on the spec, and on Kubernetes workloads handed in that CODE did not render.",
  *check({ spec, artifacts }) {
    for (const [service, i] of renderedServices(spec)) {
      if (service.image === undefined) continue;
      const ref = parseImage(service.image);
      if (ref.digest !== undefined || (ref.tag !== undefined && ref.tag !== "latest")) continue;
      yield {
        path: servicePath(i, "image"),
        message: `${serviceLabel(service)} uses ${ref.tag === undefined ? "an untagged image (latest)" : "the :latest tag"}: ${service.image}`,
        hint: "pin a version tag such as 1.27.3 (and, in production, a digest)",
        severity: prodSeverity(spec),
      };
    }
    for (const foreign of foreignKubeImages(artifacts)) {
      const ref = parseImage(foreign.image);
      if (ref.digest !== undefined || (ref.tag !== undefined && ref.tag !== "latest")) continue;
      yield {
        path: foreign.path,
        message: `${foreign.label} uses ${ref.tag === undefined ? "an untagged image (latest)" : "the :latest tag"}: ${foreign.image}`,
        hint: "pin a version tag such as 1.27.3 (and, in production, a digest)",
        severity: prodSeverity(spec),
      };
    }
  },
} satisfies PolicyRule;

export const autoscaleBelowReplicas = {
  id: "CODE-REL-007",
  severity: "warning",
  category: "reliability",
  title: "Autoscale maximum below replicas",
  description: "The autoscaler scales down to its max at once, so replicas above autoscale.max never stay.",
  *check({ spec }) {
    for (const [service, i] of renderedServices(spec)) {
      const scale = service.autoscale;
      if (scale === undefined || scale.max >= service.replicas) continue;
      yield {
        path: servicePath(i, "autoscale", "max"),
        message: `${serviceLabel(service)} asks for ${service.replicas} replicas but autoscale.max is ${scale.max}`,
        hint: `raise autoscale.max to at least ${service.replicas}, or lower replicas`,
      };
    }
  },
} satisfies PolicyRule;

export const autoscaleMinOne = {
  id: "CODE-REL-008",
  severity: "warning",
  category: "reliability",
  title: "Production autoscaling down to one replica",
  description: "With autoscale.min 1 the service runs on a single replica whenever traffic is low.",
  *check({ spec }) {
    if (!isProduction(spec)) return;
    for (const [service, i] of renderedServices(spec)) {
      if (service.autoscale?.min !== 1) continue;
      yield {
        path: servicePath(i, "autoscale", "min"),
        message: `${serviceLabel(service)} may scale down to 1 replica in production`,
        hint: "set autoscale.min: 2",
      };
    }
  },
} satisfies PolicyRule;

export const haWithoutBackups = {
  id: "CODE-REL-009",
  severity: "warning",
  category: "reliability",
  title: "High availability without backups",
  description:
    "A standby replicates mistakes (DROP TABLE) instantly; it is not a backup. Outside production (where CODE-REL-002 refuses it).",
  *check({ spec }) {
    if (isProduction(spec)) return;
    for (const [db, i] of indexed(spec.databases)) {
      if (!db.highAvailability || db.backups) continue;
      yield {
        path: specPath("databases", i, "backups"),
        message: `database "${db.name}" is highly available but has no backups`,
        hint: "set backups: true; a standby does not protect against deleted or corrupted data",
      };
    }
  },
} satisfies PolicyRule;

const MIN_PRODUCTION_GB = 20;

export const smallStorage = {
  id: "CODE-REL-010",
  severity: "info",
  category: "reliability",
  title: "Small production database storage",
  description: `Production databases below ${MIN_PRODUCTION_GB} GB fill up fast (WAL, indexes) and cloud disks this small have low IOPS.`,
  *check({ spec }) {
    if (!isProduction(spec)) return;
    for (const [db, i] of indexed(spec.databases)) {
      if (db.storageGb >= MIN_PRODUCTION_GB) continue;
      yield {
        path: specPath("databases", i, "storageGb"),
        message: `database "${db.name}" has ${db.storageGb} GB of storage in production`,
        hint: `set storageGb: ${MIN_PRODUCTION_GB} or more, or make sure storage autoscaling is on`,
      };
    }
  },
} satisfies PolicyRule;
