/** Kubernetes-style quantities (the spec's) to the units compose understands. */

/** "500m" -> "0.5"; "2" stays "2". */
export function composeCpus(cpu: string): string {
  const milli = /^(\d+)m$/.exec(cpu);
  return milli ? String(Number(milli[1]) / 1000) : cpu;
}

const BYTES: Readonly<Record<string, number>> = {
  "": 1,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/** Kubernetes-style memory to Docker's (binary) units: "512Mi" -> "512m", "1G" -> "1000000000b". */
export function composeMemory(memory: string): string {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|K|M|G|T)?$/.exec(memory);
  if (!m) return memory;
  const bytes = Math.round(Number(m[1]) * (BYTES[m[2] ?? ""] ?? 1));
  for (const [suffix, size] of [
    ["g", 2 ** 30],
    ["m", 2 ** 20],
    ["k", 2 ** 10],
  ] as const) {
    if (bytes % size === 0) return `${bytes / size}${suffix}`;
  }
  return `${bytes}b`;
}
