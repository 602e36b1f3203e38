/**
 * What runs for an app + environment, from the engine's labels: every
 * container with its image, state, health and endpoint, the network and the
 * volumes. `checkObserved` compares that with a spec, for `apply` and `status`.
 */
import type Docker from "dockerode";
import type { ObserveContext, ObservedResource } from "../../engine/provider.js";
import { dataComponents } from "../../render/data-services.js";
import type { DeploymentSpec } from "../../spec/schema.js";
import { type Existing, listContainers } from "./containers.js";
import { apiError, isNotFound } from "./errors.js";
import { listVolumes } from "./infra.js";
import { LABEL, networkName, type Scope } from "./names.js";

function health(status: string): string | undefined {
  const m = /\((healthy|unhealthy|health: starting|starting)\)/.exec(status);
  return m?.[1]?.replace("health: ", "");
}

function endpoint(e: Existing, publishHost: string): string | undefined {
  const port = (e.info.Ports ?? []).find((p) => p.PublicPort);
  if (!port) return undefined;
  const ip =
    port.IP && port.IP !== "0.0.0.0" ? port.IP : publishHost === "0.0.0.0" ? "127.0.0.1" : publishHost;
  return `http://${ip.includes(":") ? `[${ip}]` : ip}:${port.PublicPort}`;
}

function containerResource(e: Existing, publishHost: string): ObservedResource {
  const h = health(e.info.Status);
  const url = endpoint(e, publishHost);
  const status = !e.running ? "stopped" : h === "unhealthy" ? "degraded" : "running";
  return {
    kind: "container",
    name: e.name,
    status,
    details: {
      service: e.info.Labels[LABEL.service] ?? "",
      role: e.info.Labels[LABEL.role] ?? "",
      replica: e.replica,
      image: e.info.Image,
      state: e.info.State,
      ...(h ? { health: h } : {}),
      revision: Number(e.info.Labels[LABEL.revision] ?? 0),
      ...(url ? { endpoint: url } : {}),
      ports: (e.info.Ports ?? [])
        .filter((p) => p.PublicPort)
        .map((p) => `${p.IP || "0.0.0.0"}:${p.PublicPort}->${p.PrivatePort}/${p.Type}`),
      id: e.id.slice(0, 12),
    },
  };
}

export async function observeScope(
  docker: Docker,
  scope: Scope,
  ctx: Pick<ObserveContext, "signal">,
  publishHost: string,
): Promise<ObservedResource[]> {
  const containers = await listContainers(docker, scope, ctx.signal);
  const out: ObservedResource[] = containers.map((e) => containerResource(e, publishHost));
  const net = networkName(scope);
  try {
    await docker.getNetwork(net).inspect();
    out.push({ kind: "network", name: net, status: "running" });
  } catch (error) {
    if (!isNotFound(error)) throw apiError(`inspecting network ${net}`, error);
    out.push({ kind: "network", name: net, status: "missing" });
  }
  for (const v of await listVolumes(docker, scope)) out.push({ kind: "volume", name: v, status: "running" });
  return out;
}

/** Service name -> its endpoints (`http://127.0.0.1:8080`), from `observe()`: what `status --json` shows. */
export function endpointsOf(observed: readonly ObservedResource[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const r of observed) {
    const d = r.details ?? {};
    if (r.kind !== "container" || r.status === "stopped" || typeof d.endpoint !== "string") continue;
    const service = String(d.service);
    out[service] = [...(out[service] ?? []), d.endpoint];
  }
  return out;
}

function sameImage(running: unknown, wanted: string): boolean {
  const norm = (s: string) => s.replace(/^(docker\.io\/)?(library\/)?/, "");
  return typeof running === "string" && (running === wanted || norm(running) === norm(wanted));
}

/** Replica counts and images of `spec` against what runs: one line per difference (empty: it matches). */
export function checkObserved(spec: DeploymentSpec, observed: readonly ObservedResource[]): string[] {
  const running = (component: string) =>
    observed.filter(
      (r) => r.kind === "container" && r.details?.service === component && r.status !== "stopped",
    );
  const problems: string[] = [];
  for (const s of spec.services) {
    if (s.kind === "cron") continue;
    const list = running(s.name);
    if (list.length !== s.replicas)
      problems.push(`${s.name}: ${list.length} of ${s.replicas} replica(s) running`);
    const other = list.find((r) => s.image !== undefined && !sameImage(r.details?.image, s.image));
    if (other) problems.push(`${s.name}: ${other.name} runs ${String(other.details?.image)}, not ${s.image}`);
    if (s.public && s.port !== undefined && list.some((r) => typeof r.details?.endpoint !== "string"))
      problems.push(`${s.name}: a replica publishes no port`);
  }
  for (const c of dataComponents(spec)) {
    const list = running(c.name);
    if (list.length !== 1) problems.push(`${c.name}: ${list.length} of 1 container(s) running`);
    else if (!sameImage(list[0]?.details?.image, c.image))
      problems.push(`${c.name}: runs ${String(list[0]?.details?.image)}, not ${c.image}`);
  }
  return problems;
}
