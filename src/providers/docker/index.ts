/**
 * The docker provider: deploys for real on a Docker Engine API (Docker,
 * Docker Desktop, podman's `system service`). Plan steps map to engine calls:
 * network -> a labelled network; database/cache/queue -> a volume and one
 * container from the official image; service -> one container per replica,
 * replaced one at a time when its settings change; bucket -> the MinIO store
 * and a job that creates the buckets; ingress -> a check that the published
 * endpoints answer. Everything is labelled codeploy.app/env/service/revision.
 */

import type {
  ObserveContext,
  ObservedResource,
  PlanStep,
  Provider,
  StepContext,
  StepResult,
} from "../../engine/provider.js";
import { applyBuckets, applyData, applyService, applyVolume, verifyIngress } from "./apply-steps.js";
import { ensureNetwork } from "./infra.js";
import { networkName } from "./names.js";
import { checkObserved, endpointsOf, observeScope } from "./observe.js";
import { keepVolume, removeBucket, removeComponent, removeEverything } from "./remove-steps.js";
import { type DockerProviderOptions, Session } from "./session.js";
import { scopeOf } from "./workload.js";

export type { ConnectOptions, DockerConnection } from "./connect.js";
export { checkObserved, endpointsOf } from "./observe.js";
export type { DockerProviderOptions } from "./session.js";
export { dockerProviderOptions, parseDockerSettings } from "./settings.js";

function note(ctx: StepContext, message: string): StepResult {
  ctx.log(message);
  return { message };
}

function component(step: PlanStep): string {
  return step.component ?? step.id.replace(/^(remove-)?[a-z]+:/, "");
}

async function apply(session: Session, step: PlanStep, ctx: StepContext): Promise<StepResult> {
  switch (step.kind) {
    case "network": {
      const docker = await session.docker(ctx.signal);
      const done = await ensureNetwork(docker, scopeOf(ctx), ctx.signal, {
        adopt: ctx.adopt === true,
        log: ctx.log,
      });
      return note(ctx, `network ${networkName(scopeOf(ctx))} ${done === "created" ? "created" : "exists"}`);
    }
    case "secrets":
      return note(
        ctx,
        "credentials come from the installation's secret seed and go into the containers' environment: nothing to create",
      );
    case "database":
    case "cache":
    case "queue":
      return applyData(session, ctx, component(step));
    case "bucket":
      return applyBuckets(session, ctx);
    case "volume":
      return applyVolume(session, ctx, step);
    case "service":
      return applyService(session, ctx, component(step));
    case "ingress":
      return verifyIngress(session, ctx, component(step));
    case "monitoring":
      return note(
        ctx,
        "the docker provider runs no Prometheus: `codeploy render --target docker` writes prometheus.yml and prometheus-rules.yml (and the Prometheus service with monitoring.prometheus) for `docker compose up`",
      );
  }
}

async function destroy(session: Session, step: PlanStep, ctx: StepContext): Promise<StepResult> {
  switch (step.kind) {
    case "network":
      return removeEverything(session, ctx);
    case "database":
    case "cache":
    case "queue":
      return removeComponent(session, ctx, component(step), true);
    case "service":
      return removeComponent(session, ctx, component(step), false);
    case "bucket":
      return removeBucket(session, ctx, component(step));
    case "volume":
      return keepVolume(session, ctx, step);
    case "secrets":
    case "ingress":
    case "monitoring":
      return note(ctx, `${step.id}: nothing to remove on docker`);
  }
}

export function createDockerProvider(options: DockerProviderOptions = {}): Provider {
  const session = new Session(options);
  return {
    name: "docker",
    async preflight(signal: AbortSignal): Promise<void> {
      await session.engine(signal);
    },
    apply: (step, ctx) => apply(session, step, ctx),
    destroy: (step, ctx) => destroy(session, step, ctx),
    async observe(ctx: ObserveContext): Promise<readonly ObservedResource[]> {
      const docker = await session.docker(ctx.signal);
      return observeScope(
        docker,
        { app: ctx.app, environment: ctx.environment },
        ctx,
        session.settings.publishHost,
      );
    },
    endpoints: (observed) => endpointsOf(observed),
    drift: (spec, observed) => checkObserved(spec, observed),
    async detectDrift(ctx) {
      const { detectDockerDrift } = await import("./drift.js");
      return detectDockerDrift(session, ctx);
    },
    async logs(ctx) {
      const { streamLogs } = await import("./logs.js");
      return streamLogs(await session.docker(ctx.signal), ctx);
    },
  };
}
