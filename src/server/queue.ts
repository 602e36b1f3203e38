/**
 * The server's wiring of the deployment queue (src/queue/): the metrics a
 * worker exports, and how a worker runs a job as the caller who submitted it.
 * The principal recorded with the job is checked again: an API key revoked or
 * expired since is refused, and the key's role and environments now apply.
 */

import { Counter, Gauge, type Registry } from "prom-client";
import { z } from "zod";
import { type RunJob, runJob } from "../queue/index.js";
import type { Job, JobStore } from "../state/jobs.js";
import { API_KEY_ROLES } from "../state/keys.js";
import { keyPrincipal } from "./auth/authenticate.js";
import type { Principal } from "./auth/rbac.js";
import type { ServerDeps } from "./context.js";
import { HttpError } from "./errors.js";
import { serviceFor } from "./service.js";

const principalSchema = z.object({
  id: z.string(),
  actor: z.string(),
  kind: z.enum(["api-key", "jwt"]),
  role: z.enum(API_KEY_ROLES),
  environments: z.array(z.string()).optional(),
});

/** What the job records of its caller: the principal as authenticated (never the request body). */
export function callerRecord(principal: Principal) {
  return {
    actor: principal.actor,
    principal: {
      id: principal.id,
      actor: principal.actor,
      kind: principal.kind,
      role: principal.role,
      ...(principal.environments ? { environments: [...principal.environments] } : {}),
    },
  };
}

/** The caller of a job as it may act now. */
export async function principalNow(deps: ServerDeps, recorded: unknown): Promise<Principal> {
  const parsed = principalSchema.safeParse(recorded);
  if (!parsed.success)
    throw new HttpError(403, "FORBIDDEN", "the job records no caller this version can read");
  const p = parsed.data;
  if (p.kind === "api-key") {
    const key = await deps.store.apiKeys.get(p.id.replace(/^key:/, ""));
    if (key === undefined || key.state !== "active") {
      throw new HttpError(
        403,
        "FORBIDDEN",
        `the API key that submitted this deployment is ${key?.state ?? "gone"}`,
        {
          hint: "submit it again with an active key",
        },
      );
    }
    return keyPrincipal(key);
  }
  return { ...p, environments: p.environments };
}

/** Runs a claimed job through the service as its caller, with the job's id as the deployment id. */
export function queueRunner(deps: ServerDeps): RunJob {
  return async (job, signal) => {
    let principal: Principal;
    try {
      principal = await principalNow(deps, job.caller);
    } catch (error) {
      return { end: "refused", error: error instanceof Error ? error.message : String(error) };
    }
    return runJob(job, serviceFor(deps, principal), {
      signal,
      onEvent: (e) => deps.metrics.observeEngineEvent(e),
      recorded: async (id) => (await deps.store.getDeployment(id)) !== undefined,
      succeededBefore: (job) => succeededBefore(deps, job),
    });
  };
}

/** The earlier attempt (following retryOf, at most MAX_CHAIN back) whose deployment succeeded. */
const MAX_CHAIN = 20;
async function succeededBefore(deps: ServerDeps, job: Job): Promise<string | undefined> {
  let id = job.retryOf;
  for (let i = 0; i < MAX_CHAIN && id !== undefined; i++) {
    if ((await deps.store.getDeployment(id))?.outcome === "succeeded") return id;
    id = (await deps.store.jobs?.get(id))?.retryOf;
  }
  return undefined;
}

export interface QueueMetrics {
  claimed(): void;
  ended(end: string): void;
  leaseLost(): void;
  reaped(interrupted: number, retried: number): void;
}

/** Queue depth (read from the store when scraped), claims, ends, leases lost, jobs reaped. */
export function queueMetrics(registry: Registry, jobs: JobStore): QueueMetrics {
  new Gauge({
    name: "codeploy_queue_depth",
    help: "Deployments queued in Postgres and not yet claimed by a worker",
    registers: [registry],
    async collect() {
      this.set(await jobs.depth());
    },
  });
  const claimed = new Counter({
    name: "codeploy_queue_claimed_total",
    help: "Jobs this worker claimed",
    registers: [registry],
  });
  const finished = new Counter({
    name: "codeploy_queue_finished_total",
    help: "Jobs this worker ended, by how (done, unchanged, refused, handed-back, wait)",
    labelNames: ["end"] as const,
    registers: [registry],
  });
  const lost = new Counter({
    name: "codeploy_queue_lease_lost_total",
    help: "Jobs this worker stopped because its lease ran out (another worker may run them)",
    registers: [registry],
  });
  const reaped = new Counter({
    name: "codeploy_queue_interrupted_total",
    help: "Jobs of other workers found with their lease run out, by whether a retry was queued",
    labelNames: ["retried"] as const,
    registers: [registry],
  });
  return {
    claimed: () => claimed.inc(),
    ended: (end) => finished.inc({ end }),
    leaseLost: () => lost.inc(),
    reaped: (interrupted, retried) => {
      reaped.inc({ retried: "yes" }, retried);
      reaped.inc({ retried: "no" }, interrupted - retried);
    },
  };
}
