/**
 * A worker process (`codeploy worker`, `codeploy serve --role worker`): claims
 * queued deployments from Postgres and runs them through the same service
 * wiring as the API (createApp's deps: planner, providers, secrets, policy),
 * as the caller who submitted each. It listens only for /healthz, /readyz
 * (the store answers and it still claims) and /metrics (queue depth, claims,
 * ends, leases lost): the chart's worker Deployment probes /readyz.
 */

import { randomBytes } from "node:crypto";
import { Server } from "node:http";
import { hostname } from "node:os";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { CodeError } from "../core/errors.js";
import { type DrainReport, QueueWorker } from "../queue/index.js";
import { queueUnsupported } from "../state/jobs.js";
import { type AppOptions, createApp } from "./app.js";
import { queueMetrics, queueRunner } from "./queue.js";

/** The `queue:` section of codeploy.yaml as a worker uses it. */
export interface WorkerSettings {
  /** Deployments one worker runs at once. @default 4 */
  readonly concurrency?: number;
  /** Lease of a claimed job (and of the app + environment lock its deployment takes). @default 15_000 */
  readonly leaseMs?: number;
  /** Attempts of one submitted deployment in all. @default 3 */
  readonly maxAttempts?: number;
  /** Sleep between claims when nothing is free. @default 250 */
  readonly pollMs?: number;
}

export interface StartWorkerOptions extends Omit<AppOptions, "role" | "dashboard"> {
  readonly port?: number;
  readonly host?: string;
  readonly worker?: WorkerSettings;
}

export interface RunningWorker {
  readonly url: string;
  readonly port: number;
  readonly name: string;
  readonly queue: QueueWorker;
  /** Drains (stop claiming, `graceMs` for running jobs, cancel and hand back the rest) and closes. */
  close(graceMs: number): Promise<DrainReport>;
}

export async function startWorker(options: StartWorkerOptions): Promise<RunningWorker> {
  const jobs = options.store.jobs;
  if (jobs === undefined) throw queueUnsupported();
  const settings = options.worker ?? {};
  const leaseMs = settings.leaseMs ?? 15_000;
  const api = createApp({
    ...options,
    // The deployment's lock lives as long as the job's lease: a dead worker frees both together.
    deployOptions: { ...options.deployOptions, leaseMs },
  });
  const { deps } = api;
  const metrics = queueMetrics(deps.metrics.registry, jobs);
  const name = `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
  const queue = new QueueWorker({
    jobs,
    name,
    run: queueRunner(deps),
    leaseMs,
    ...(settings.concurrency !== undefined ? { concurrency: settings.concurrency } : {}),
    ...(settings.maxAttempts !== undefined ? { maxAttempts: settings.maxAttempts } : {}),
    ...(settings.pollMs !== undefined ? { pollMs: settings.pollMs } : {}),
    hooks: {
      onClaim: () => metrics.claimed(),
      onEnd: (job, end) => {
        if (end === "lease-lost") {
          metrics.leaseLost();
          deps.logger.log("warn", `job ${job.id} of ${job.app}/${job.environment}: lease lost, stopped`);
        } else metrics.ended(end);
      },
      onReap: (interrupted, retried) => {
        metrics.reaped(interrupted.length, retried.length);
        for (const job of interrupted) {
          const retry = retried.find((r) => r.retryOf === job.id);
          deps.logger.log("warn", `deployment ${job.id} of ${job.app}/${job.environment} interrupted`, {
            worker: job.worker,
            ...(retry ? { retriedAs: retry.id, attempt: retry.attempt } : { retried: false }),
          });
        }
      },
      onError: (message, error) => deps.logger.log("error", message, { error }),
    },
  });
  const http = new Hono();
  http.get("/healthz", (c) => c.json({ status: "ok" as const }));
  http.get("/readyz", async (c) => {
    if (!queue.claiming) return c.json({ status: "unavailable" as const, reason: "draining" }, 503);
    try {
      await jobs.depth();
      return c.json({ status: "ok" as const });
    } catch {
      return c.json({ status: "unavailable" as const, reason: "the state store does not answer" }, 503);
    }
  });
  http.get("/metrics", async (c) =>
    c.text(await deps.metrics.render(), 200, { "Content-Type": deps.metrics.contentType }),
  );
  http.notFound((c) =>
    c.json(
      {
        error: {
          code: "NOT_FOUND",
          message: `a worker serves /healthz, /readyz and /metrics only, not ${c.req.path}`,
          hint: "send API calls to an API server (codeploy serve --role api)",
        },
      },
      404,
    ),
  );
  const host = options.host ?? "127.0.0.1";
  const server = await listen(http, options.port ?? 8080, host);
  queue.start();
  let closing: Promise<DrainReport> | undefined;
  const close = async (graceMs: number): Promise<DrainReport> => {
    const report = await queue.drain(graceMs);
    await api.shutdown(0);
    await new Promise<void>((resolve) => {
      server.server.close(() => resolve());
      server.server.closeAllConnections();
    });
    await api.close();
    return report;
  };
  const shownHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${server.port}`,
    port: server.port,
    name,
    queue,
    close: (graceMs) => {
      closing ??= close(graceMs);
      return closing;
    },
  };
}

function listen(app: Hono, port: number, hostname: string) {
  return new Promise<{ server: Server; port: number }>((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname }, (info) => {
      if (server instanceof Server) resolve({ server, port: info.port });
      else reject(new CodeError("LISTEN", "unexpected server type"));
    });
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new CodeError("LISTEN", `cannot listen on ${hostname}:${port}: ${error.code ?? error.message}`, {
          cause: error,
          hint: error.code === "EADDRINUSE" ? "pick another --port" : "check --host",
        }),
      ),
    );
  });
}
