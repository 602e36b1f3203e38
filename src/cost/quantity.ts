/**
 * The estimate reads quantities strictly: an unreadable one is an input error,
 * not a default. Parsing itself lives in spec/quantity.ts, shared with policy
 * and the renderers. The estimate works in millicores and MiB so sums and node
 * fitting stay in integers.
 */
import { cpuCores, memoryGib } from "../spec/quantity.js";
import { CostInputError } from "./errors.js";

export { toMib, toMillicores } from "../spec/quantity.js";

/** "500m" -> 0.5, "2" -> 2 (cores). */
export function parseCpu(quantity: string): number {
  const cores = cpuCores(quantity);
  if (cores === undefined) {
    throw new CostInputError(`cannot read cpu "${quantity}"`, {
      hint: 'write cpu as cores ("2", "0.5") or millicores ("500m")',
    });
  }
  return cores;
}

/** "512Mi" -> 0.5, "4Gi" -> 4, "1G" -> 0.93 (GiB). */
export function parseMemoryGib(quantity: string): number {
  const gib = memoryGib(quantity);
  if (gib === undefined) {
    throw new CostInputError(`cannot read memory "${quantity}"`, {
      hint: 'write memory as a size such as "512Mi" or "4Gi"',
    });
  }
  return gib;
}
