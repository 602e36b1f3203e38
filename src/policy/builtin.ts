/** The registry of built-in rules; builtin.test.ts checks that every one has fixtures. */

import { dangerousCapabilities } from "./rules/capabilities.js";
import {
  devOverprovisioned,
  nearBudget,
  overBudget,
  oversizedResources,
  productionWithoutBudget,
} from "./rules/cost.js";
import { internalExposed, publicDatabase } from "./rules/exposure.js";
import {
  domainWithoutPort,
  frequentCron,
  missingImage,
  missingRegion,
  productionWithoutMonitoring,
  publicWithoutDomain,
  terraformLocal,
  unpinnedChart,
} from "./rules/operations.js";
import {
  autoscaleBelowReplicas,
  autoscaleMinOne,
  haWithoutBackups,
  mutableImage,
  noBackups,
  noHighAvailability,
  singleReplica,
  smallStorage,
} from "./rules/reliability.js";
import { missingHealthCheck, missingResourceLimits } from "./rules/runtime.js";
import {
  domainWithoutTls,
  imageDigest,
  passwordInUrl,
  productionWithoutTls,
  publicBucket,
  secretByName,
  secretByValue,
} from "./rules/security.js";
import { bucketWithoutAccessBlock, openDatabasePort, storageUnencrypted } from "./rules/terraform.js";
import { volumeSharedByReplicas } from "./rules/volumes.js";
import {
  hostNamespaces,
  hostPathMount,
  privilegedContainer,
  privilegeEscalation,
  rootContainer,
  serviceAccountToken,
} from "./rules/workload.js";
import type { PolicyRule } from "./types.js";

/** Every built-in rule, sorted by id. */
export const builtinRules: readonly PolicyRule[] = [
  publicBucket,
  publicDatabase,
  productionWithoutTls,
  domainWithoutTls,
  secretByName,
  secretByValue,
  passwordInUrl,
  rootContainer,
  privilegedContainer,
  privilegeEscalation,
  hostNamespaces,
  hostPathMount,
  serviceAccountToken,
  internalExposed,
  storageUnencrypted,
  bucketWithoutAccessBlock,
  openDatabasePort,
  imageDigest,
  dangerousCapabilities,
  singleReplica,
  noBackups,
  noHighAvailability,
  missingHealthCheck,
  missingResourceLimits,
  mutableImage,
  autoscaleBelowReplicas,
  autoscaleMinOne,
  haWithoutBackups,
  smallStorage,
  volumeSharedByReplicas,
  overBudget,
  nearBudget,
  devOverprovisioned,
  oversizedResources,
  productionWithoutBudget,
  productionWithoutMonitoring,
  missingRegion,
  terraformLocal,
  publicWithoutDomain,
  missingImage,
  frequentCron,
  domainWithoutPort,
  unpinnedChart,
];
