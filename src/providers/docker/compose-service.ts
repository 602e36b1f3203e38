/**
 * Reads one service of the rendered compose document (the same data that
 * `compose.yaml` holds) into Engine API container settings: image, command,
 * environment with the `.env` passwords filled in, health check, volume and
 * resource limits. Only the fields the compose renderer writes are read.
 */
import type Docker from "dockerode";
import { z } from "zod";
import { ProviderError } from "../../engine/provider.js";
import { interpolate } from "./interpolate.js";

const healthSchema = z.looseObject({
  // A string is CMD-SHELL (the form app services are rendered in), a list starts with CMD, CMD-SHELL or NONE.
  test: z.union([z.string(), z.array(z.string())]),
  interval: z.string().optional(),
  timeout: z.string().optional(),
  retries: z.number().optional(),
  start_period: z.string().optional(),
});

export const composeServiceSchema = z.looseObject({
  image: z.string().optional(),
  build: z.unknown().optional(),
  hostname: z.string().optional(),
  command: z.array(z.string()).optional(),
  entrypoint: z.array(z.string()).optional(),
  restart: z.string().optional(),
  environment: z.record(z.string(), z.string()).optional(),
  healthcheck: healthSchema.optional(),
  ports: z.array(z.string()).optional(),
  volumes: z.array(z.string()).optional(),
  profiles: z.array(z.string()).optional(),
  deploy: z
    .looseObject({
      replicas: z.number().optional(),
      resources: z
        .looseObject({
          limits: z.looseObject({ cpus: z.string().optional(), memory: z.string().optional() }).optional(),
        })
        .optional(),
    })
    .optional(),
});

export type ComposeService = z.output<typeof composeServiceSchema>;

/** The compose service named `name` from the artifacts' compose document. */
export function composeService(
  compose: Readonly<Record<string, unknown>> | undefined,
  name: string,
): ComposeService {
  if (!compose) {
    throw new ProviderError(
      "DOCKER_NO_COMPOSE",
      "the docker provider needs the docker artifacts (compose document)",
      {
        hint: "set `target: docker` in the spec (or pass --target docker) so that the compose document is rendered",
      },
    );
  }
  const services = z.record(z.string(), z.unknown()).safeParse(compose.services);
  const raw = services.success ? services.data[name] : undefined;
  const parsed = composeServiceSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ProviderError("DOCKER_NO_COMPOSE", `the compose document has no usable service "${name}"`, {
      hint: "render the artifacts again from the same spec",
    });
  }
  return parsed.data;
}

const UNIT_NS: Readonly<Record<string, number>> = { ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Compose durations ("10s", "1m30s", "500ms") to nanoseconds. */
export function durationNs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  let total = 0;
  let matched = "";
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    total += Number(m[1]) * (UNIT_NS[m[2] ?? "s"] ?? 1e9);
    matched += m[0];
  }
  return matched === text && matched !== "" ? Math.round(total) : undefined;
}

const BYTES: Readonly<Record<string, number>> = {
  "": 1,
  b: 1,
  k: 2 ** 10,
  m: 2 ** 20,
  g: 2 ** 30,
  t: 2 ** 40,
};

/** Docker memory ("512m", "1g", "1000000000b") to bytes. */
export function memoryBytes(text: string | undefined): number | undefined {
  const m = text === undefined ? null : /^(\d+(?:\.\d+)?)([bkmgt]?)$/i.exec(text);
  if (!m) return undefined;
  return Math.round(Number(m[1]) * (BYTES[(m[2] ?? "").toLowerCase()] ?? 1));
}

export function nanoCpus(text: string | undefined): number | undefined {
  const n = text === undefined ? Number.NaN : Number(text);
  return Number.isFinite(n) && n > 0 ? Math.round(n * 1e9) : undefined;
}

export function healthConfig(
  health: ComposeService["healthcheck"],
  fill: (value: string) => string,
): Docker.HealthConfig | undefined {
  if (!health) return undefined;
  return {
    Test: (typeof health.test === "string" ? ["CMD-SHELL", health.test] : health.test).map(fill),
    ...(durationNs(health.interval) !== undefined ? { Interval: durationNs(health.interval) } : {}),
    ...(durationNs(health.timeout) !== undefined ? { Timeout: durationNs(health.timeout) } : {}),
    ...(health.retries !== undefined ? { Retries: health.retries } : {}),
    ...(durationNs(health.start_period) !== undefined
      ? { StartPeriod: durationNs(health.start_period) }
      : {}),
  };
}

/** Environment as `NAME=value`, sorted, with every reference filled from `.env`. */
export function environment(
  service: ComposeService,
  vars: ReadonlyMap<string, string>,
  where: string,
): string[] {
  return Object.entries(service.environment ?? {})
    .map(([k, v]) => `${k}=${interpolate(v, vars, `${where} environment ${k}`)}`)
    .sort();
}
