/**
 * Kubernetes-style resource quantities: cpu as cores ("2", "0.5") or
 * millicores ("500m"); memory as bytes with a binary (Ki, Mi, Gi, Ti) or
 * decimal (K, M, G, T) suffix. The estimate works in millicores and MiB so
 * sums and node fitting stay in integers.
 */
import { CostInputError } from "./errors.js";

const CPU = /^(\d+(?:\.\d+)?)(m?)$/;
const MEMORY = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|K|M|G|T)?$/;

const MEMORY_FACTORS = {
  "": 1,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
} as const satisfies Record<string, number>;

type MemorySuffix = keyof typeof MEMORY_FACTORS;

function isMemorySuffix(value: string): value is MemorySuffix {
  return Object.hasOwn(MEMORY_FACTORS, value);
}

/** "500m" -> 0.5, "2" -> 2 (cores). */
export function parseCpu(quantity: string): number {
  const match = CPU.exec(quantity.trim());
  if (!match) {
    throw new CostInputError(`cannot read cpu "${quantity}"`, {
      hint: 'write cpu as cores ("2", "0.5") or millicores ("500m")',
    });
  }
  const value = Number(match[1]);
  return match[2] === "m" ? value / 1000 : value;
}

/** "512Mi" -> 0.5, "4Gi" -> 4, "1G" -> 0.93 (GiB). */
export function parseMemoryGib(quantity: string): number {
  const match = MEMORY.exec(quantity.trim());
  const suffix = match?.[2] ?? "";
  if (!match || !isMemorySuffix(suffix)) {
    throw new CostInputError(`cannot read memory "${quantity}"`, {
      hint: 'write memory as a size such as "512Mi" or "4Gi"',
    });
  }
  return (Number(match[1]) * MEMORY_FACTORS[suffix]) / 1024 ** 3;
}

/** Cores to whole millicores (rounded up: a request never shrinks). */
export function toMillicores(cores: number): number {
  return Math.ceil(Math.round(cores * 1e6) / 1000);
}

/** GiB to whole MiB (rounded up). */
export function toMib(gib: number): number {
  return Math.ceil(Math.round(gib * 1024 * 1000) / 1000);
}
