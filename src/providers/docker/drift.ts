/**
 * `codeploy drift` on docker: every container the last applied revision asks
 * for, compared field by field (state, health, image, environment, labels,
 * published ports, networks) with what the engine reports, plus containers
 * that carry the app's labels but were never applied. Read-only by
 * construction: only list and inspect calls (GET) reach the Engine API.
 */
import type Docker from "dockerode";
import { type DriftContext, type DriftItem, pointer } from "../../engine/drift.js";
import type { StepContext } from "../../engine/provider.js";
import { dataComponents, objectStoreName } from "../../render/data-services.js";
import { type Existing, listContainers } from "./containers.js";
import { apiError, isNotFound } from "./errors.js";
import { containerName, LABEL, networkName } from "./names.js";
import type { Session } from "./session.js";
import { dataWorkload, scopeOf, serviceWorkload, type Workload } from "./workload.js";

/**
 * Labels CODE rewrites on every apply, that a kept container keeps from an older one, or that
 * record what the engine chose for a replica (its host port): bookkeeping, not settings.
 */
const VOLATILE_LABELS = new Set<string>([LABEL.revision, LABEL.hash, LABEL.hostPort]);

/** Variables the engine itself sets in every container (Docker and podman defaults): not drift. */
const ENGINE_ENV = new Set(["PATH", "HOME", "HOSTNAME", "TERM", "container"]);

export async function detectDockerDrift(session: Session, ctx: DriftContext): Promise<DriftItem[]> {
  const docker = await session.docker(ctx.signal);
  const step: StepContext = { ...ctx, log: () => {} };
  const workloads = workloadsOf(step, session.settings.publishHost);
  const scope = scopeOf(ctx);
  const existing = (await listContainers(docker, scope, ctx.signal)).filter(
    (e) => e.info.Labels[LABEL.role] !== "job",
  );
  const images = new Map<string, Promise<Map<string, string>>>();
  const imageEnv = (image: string) => {
    let found = images.get(image);
    if (!found) {
      found = docker
        .getImage(image)
        .inspect()
        .then((i) => envMap(i.Config?.Env ?? []))
        .catch(() => new Map<string, string>());
      images.set(image, found);
    }
    return found;
  };
  const items: DriftItem[] = [];
  const claimed = new Set<string>();
  for (const w of workloads) {
    for (let replica = 0; replica < w.replicas; replica++) {
      const group = existing.filter(
        (e) => e.info.Labels[LABEL.service] === w.component && e.replica === replica,
      );
      const name = containerName(scope, w.component, replica);
      const current = group.find((e) => e.running) ?? group[0];
      if (!current) {
        items.push({ kind: "container", name, service: w.component, change: "missing", path: "" });
        continue;
      }
      claimed.add(current.id);
      const info = await inspect(docker, current, ctx.signal);
      if (!info) {
        items.push({ kind: "container", name, service: w.component, change: "missing", path: "" });
        continue;
      }
      items.push(...(await compare(w, replica, current.name, info, imageEnv)));
    }
  }
  for (const e of existing) {
    if (claimed.has(e.id)) continue;
    items.push({
      kind: "container",
      name: e.name,
      service: e.info.Labels[LABEL.service] ?? "",
      change: "extra",
      path: "",
      actual: { image: e.info.Image, state: e.info.State },
    });
  }
  const net = networkName(scope);
  try {
    await docker.getNetwork(net).inspect();
  } catch (error) {
    if (!isNotFound(error)) throw apiError(`inspecting network ${net}`, error);
    items.push({ kind: "network", name: net, change: "missing", path: "" });
  }
  return items;
}

/** What the revision runs on docker: spec services (not cron) and data components (with the object store). */
function workloadsOf(ctx: StepContext, publishHost: string): Workload[] {
  const out: Workload[] = [];
  for (const s of ctx.spec.services) {
    const w = serviceWorkload(ctx, s.name, publishHost);
    if (w) out.push(w);
  }
  const data = dataComponents(ctx.spec).map((c) => c.name);
  if (ctx.spec.buckets.length > 0 && !data.includes(objectStoreName(ctx.spec)))
    data.push(objectStoreName(ctx.spec));
  for (const name of data) out.push(dataWorkload(ctx, name));
  return out;
}

async function inspect(
  docker: Docker,
  e: Existing,
  signal: AbortSignal,
): Promise<Docker.ContainerInspectInfo | undefined> {
  try {
    return await docker.getContainer(e.id).inspect({ abortSignal: signal });
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw apiError(`inspecting container ${e.name}`, error);
  }
}

function envMap(list: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of list) {
    const at = entry.indexOf("=");
    if (at > 0) out.set(entry.slice(0, at), entry.slice(at + 1));
  }
  return out;
}

function sameImage(running: string, wanted: string): boolean {
  const norm = (s: string) => s.replace(/^(docker\.io\/)?(library\/)?/, "");
  return running === wanted || norm(running) === norm(wanted);
}

async function compare(
  w: Workload,
  replica: number,
  name: string,
  info: Docker.ContainerInspectInfo,
  imageEnv: (image: string) => Promise<Map<string, string>>,
): Promise<DriftItem[]> {
  const items: DriftItem[] = [];
  const changed = (path: string, expected: unknown, actual: unknown) =>
    items.push({ kind: "container", name, service: w.component, change: "changed", path, expected, actual });
  if (!info.State.Running) changed("/state", "running", info.State.Status);
  const health = info.State.Health?.Status;
  if (health === "unhealthy") changed("/health", "healthy", health);
  if (!sameImage(info.Config.Image, w.image)) changed("/image", w.image, info.Config.Image);
  // Environment: the applied values, and nothing beyond them except what the image itself sets.
  const secret = new Set(w.secrets.filter((s) => s.length > 0));
  const hide = (v: string | undefined) => (v !== undefined && secret.has(v) ? "(secret)" : v);
  const wanted = envMap(w.base.Env ?? []);
  const actual = envMap(info.Config.Env ?? []);
  for (const [key, value] of wanted) {
    const now = actual.get(key);
    if (now === value) continue;
    const hidden = secret.has(value);
    changed(pointer("env", key), hide(value), hidden && now !== undefined ? "(differs)" : hide(now));
  }
  const fromImage = await imageEnv(info.Config.Image);
  for (const [key, value] of actual) {
    if (wanted.has(key) || ENGINE_ENV.has(key) || fromImage.get(key) === value) continue;
    changed(pointer("env", key), undefined, hide(value));
  }
  const labels: Record<string, string> = { ...(w.base.Labels ?? {}), [LABEL.replica]: String(replica) };
  const have = info.Config.Labels ?? {};
  for (const [key, value] of Object.entries(labels))
    if (have[key] !== value) changed(pointer("labels", key), value, have[key]);
  for (const [key, value] of Object.entries(have))
    if (key.startsWith("codeploy.") && !(key in labels) && !VOLATILE_LABELS.has(key))
      changed(pointer("labels", key), undefined, value);
  const published = Object.entries(info.NetworkSettings.Ports ?? {})
    .filter(([, bindings]) => Array.isArray(bindings) && bindings.length > 0)
    .map(([port]) => port)
    .sort();
  const expectedPorts = w.publish && w.port !== undefined ? [`${w.port}/tcp`] : [];
  if (JSON.stringify(published) !== JSON.stringify(expectedPorts))
    changed("/ports", expectedPorts, published);
  const net = networkName(w.scope);
  const networks = Object.keys(info.NetworkSettings.Networks ?? {}).sort();
  if (networks.length !== 1 || networks[0] !== net) changed("/networks", [net], networks);
  return items;
}
