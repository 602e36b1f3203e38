/**
 * Sizes the clouds sell, shared by the renderers and the cost estimate so
 * that a plan prices exactly what would be deployed.
 */

/** Fargate task sizes: vCPU in millicores, memory range and step in MiB. */
const FARGATE = [
  { millicores: 250, min: 512, max: 2048, step: 512 },
  { millicores: 500, min: 1024, max: 4096, step: 1024 },
  { millicores: 1000, min: 2048, max: 8192, step: 1024 },
  { millicores: 2000, min: 4096, max: 16384, step: 1024 },
  { millicores: 4000, min: 8192, max: 30720, step: 1024 },
  { millicores: 8000, min: 16384, max: 61440, step: 4096 },
  { millicores: 16000, min: 32768, max: 122880, step: 8192 },
] as const;

export interface ContainerShape {
  readonly millicores: number;
  readonly mib: number;
}

/** The smallest Fargate size that holds the requested CPU and memory (the largest when nothing does). */
export function fargateShape(requested: ContainerShape): ContainerShape {
  const size =
    FARGATE.find((s) => s.millicores >= requested.millicores && s.max >= requested.mib) ?? FARGATE[6];
  let mib = Math.max(size.min, Math.ceil(requested.mib / size.step) * size.step);
  if (size.millicores === 250 && mib === 1536) mib = 2048; // 0.25 vCPU takes 512, 1024 or 2048 only
  return { millicores: size.millicores, mib: Math.min(mib, size.max) };
}

/** Fargate's CPU units (1024 per vCPU) for a size from fargateShape. */
export function fargateCpuUnits(millicores: number): number {
  return Math.round((millicores * 1024) / 1000);
}

/** Filestore BASIC_HDD instances hold 1 TiB at least (and bill it). */
export const FILESTORE_MIN_GB = 1024;
