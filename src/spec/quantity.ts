/**
 * Kubernetes-style resource quantities, read once for every consumer (cost,
 * policy, the Terraform renderers): cpu as cores ("2", "0.5") or millicores
 * ("500m"); memory as bytes with a binary (Ki, Mi, Gi, Ti) or decimal
 * (K, M, G, T) suffix. Unreadable text gives `undefined`; callers decide
 * whether that is an error (cost) or a default (renderers).
 */

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

/** "500m" -> 0.5, "2" -> 2 (cores); undefined when it is not a cpu quantity. */
export function cpuCores(quantity: string | undefined): number | undefined {
  if (quantity === undefined) return undefined;
  const match = CPU.exec(quantity.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  return match[2] === "m" ? value / 1000 : value;
}

/** "512Mi" -> 536870912 (bytes); undefined when it is not a memory quantity. */
export function memoryBytes(quantity: string | undefined): number | undefined {
  if (quantity === undefined) return undefined;
  const match = MEMORY.exec(quantity.trim());
  const suffix = match?.[2] ?? "";
  if (!match || !isMemorySuffix(suffix)) return undefined;
  return Number(match[1]) * MEMORY_FACTORS[suffix];
}

/** "512Mi" -> 0.5, "4Gi" -> 4, "1G" -> 0.93 (GiB). */
export function memoryGib(quantity: string | undefined): number | undefined {
  const bytes = memoryBytes(quantity);
  return bytes === undefined ? undefined : bytes / 1024 ** 3;
}

/** Whole MiB, rounded up: "512Mi" -> 512, "4Gi" -> 4096, "1G" -> 954. */
export function memoryMiB(quantity: string | undefined): number | undefined {
  const gib = memoryGib(quantity);
  return gib === undefined ? undefined : toMib(gib);
}

/** Cores to whole millicores (rounded up: a request never shrinks). */
export function toMillicores(cores: number): number {
  return Math.ceil(Math.round(cores * 1e6) / 1000);
}

/** GiB to whole MiB (rounded up). */
export function toMib(gib: number): number {
  return Math.ceil(Math.round(gib * 1024 * 1000) / 1000);
}
