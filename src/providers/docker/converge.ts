/**
 * Brings one component's containers to what the workload asks: replicas
 * whose config hash matches stay untouched; new replicas start (in
 * parallel); changed ones are replaced one at a time (rolling: the new one is
 * ready before the old one stops; recreate: the old one stops first, for
 * data on a volume); replicas beyond the count are removed.
 */
import type Docker from "dockerode";
import { ProviderError } from "../../engine/provider.js";
import {
  type Existing,
  endpointOf,
  listContainers,
  removeContainer,
  renameContainer,
  startReplica,
  stopContainer,
  usedHostPorts,
} from "./containers.js";
import { apiError } from "./errors.js";
import { waitReady } from "./health.js";
import { type HostPortChoice, planHostPorts, publishedPort } from "./host-ports.js";
import { containerName, networkName, nextContainerName } from "./names.js";
import type { Workload } from "./workload.js";

export interface ConvergeDeps {
  readonly docker: Docker;
  readonly signal: AbortSignal;
  readonly log: (message: string) => void;
  readonly revision: number;
  readonly healthTimeoutMs: number;
  readonly stopTimeoutSeconds: number;
  readonly fetch: typeof fetch;
  /** Replace a container under our name that another owner (or none) labelled. @default false */
  readonly adopt?: boolean;
}

export interface ReplicaOutcome {
  readonly replica: number;
  readonly id: string;
  readonly name: string;
  readonly change: "created" | "replaced" | "kept";
  readonly endpoint?: string;
}

interface Run {
  readonly w: Workload;
  readonly hash: string;
  readonly deps: ConvergeDeps;
  /** Per replica, for a published workload: its host port. */
  readonly ports: readonly HostPortChoice[];
}

function what(w: Workload, replica: number): string {
  return w.role === "app" ? `service ${w.component} replica ${replica}` : `${w.component}`;
}

async function ready(run: Run, container: Docker.Container, replica: number): Promise<string | undefined> {
  const { w, deps } = run;
  await waitReady(container, w.probe, {
    signal: deps.signal,
    timeoutMs: deps.healthTimeoutMs,
    fetch: deps.fetch,
    network: networkName(w.scope),
    publishHost: w.publish?.host ?? "127.0.0.1",
    what: what(w, replica),
    logsHint: `${w.scope.app} --env ${w.scope.environment} --service ${w.component}`,
  });
  const info = await container.inspect().catch((e: unknown) => {
    throw apiError(`inspecting ${what(w, replica)}`, e);
  });
  return endpointOf(info, w.port, w.publish?.host ?? "127.0.0.1");
}

function hostPortFor(run: Run, replica: number): { hostPort: string; portFixed: boolean } | undefined {
  if (!run.w.publish) return undefined;
  const choice = run.ports[replica] ?? "";
  return choice === ""
    ? { hostPort: "", portFixed: false }
    : { hostPort: String(choice.port), portFixed: choice.why !== "first" };
}

/** Whether a container publishes the port its replica should have (always, for an unpublished workload). */
function onItsPort(run: Run, e: Existing): boolean {
  const choice = run.ports[e.replica];
  if (!run.w.publish || choice === undefined || choice === "") return true;
  return publishedPort(e, run.w.port) === choice.port;
}

/** Starts a replica under `name` and waits for it; a replica that never gets ready is removed again. */
async function launch(run: Run, replica: number, name: string): Promise<{ id: string; endpoint?: string }> {
  const { w, deps } = run;
  const spec = { name, replica, hash: run.hash, revision: deps.revision, adopt: deps.adopt === true };
  const container = await startReplica(
    deps.docker,
    w,
    { ...spec, ...hostPortFor(run, replica) },
    deps.signal,
  );
  try {
    const endpoint = await ready(run, container, replica);
    return { id: container.id, ...(endpoint ? { endpoint } : {}) };
  } catch (error) {
    await removeContainer(deps.docker, container.id, 0).catch(() => {});
    throw error;
  }
}

async function keep(
  run: Run,
  replica: number,
  current: Existing,
  others: Existing[],
): Promise<ReplicaOutcome> {
  const { deps } = run;
  for (const o of others) await removeContainer(deps.docker, o.id, deps.stopTimeoutSeconds);
  const name = containerName(run.w.scope, run.w.component, replica);
  if (current.name !== name) await renameContainer(deps.docker, current.id, name);
  const endpoint = await ready(run, deps.docker.getContainer(current.id), replica);
  return { replica, id: current.id, name, change: "kept", ...(endpoint ? { endpoint } : {}) };
}

async function replace(run: Run, replica: number, old: Existing[]): Promise<ReplicaOutcome> {
  const { w, deps } = run;
  const name = containerName(w.scope, w.component, replica);
  const stop = async () => {
    for (const o of old) await removeContainer(deps.docker, o.id, deps.stopTimeoutSeconds);
  };
  if (w.strategy === "recreate" || old.length === 0) {
    await stop();
    const started = await launch(run, replica, name);
    return { replica, name, change: old.length === 0 ? "created" : "replaced", ...started };
  }
  const next = nextContainerName(w.scope, w.component, replica, run.hash);
  const started = w.publish ? await handOverPort(run, replica, old, next) : await launch(run, replica, next);
  await stop();
  await renameContainer(deps.docker, started.id, name);
  return { replica, name, change: "replaced", ...started };
}

/**
 * A published replica keeps its host port, which the old container holds: the old one stops (and stays),
 * the new one starts on the port, and only once it is ready does the old one go; a new one that never
 * gets ready is removed and the old one started again, as it was. The other replicas, replaced one at
 * a time, serve meanwhile.
 */
async function handOverPort(
  run: Run,
  replica: number,
  old: readonly Existing[],
  name: string,
): Promise<{ id: string; endpoint?: string }> {
  const { w, deps } = run;
  deps.log(`${what(w, replica)}: stopping the old container first, to hand its host port over`);
  for (const o of old) await stopContainer(deps.docker, o.id, deps.stopTimeoutSeconds);
  try {
    return await launch(run, replica, name);
  } catch (error) {
    for (const o of old.filter((e) => e.running))
      await deps.docker
        .getContainer(o.id)
        .start()
        .catch(() => {});
    throw error;
  }
}

async function settle(run: Run, replica: number, group: Existing[]): Promise<ReplicaOutcome> {
  const good = group.find((e) => e.hash === run.hash && e.running && onItsPort(run, e));
  if (good)
    return keep(
      run,
      replica,
      good,
      group.filter((e) => e !== good),
    );
  // A matching container that is not running (left by a crash) is not trusted: it goes first.
  const stale = group.filter((e) => e.hash === run.hash && !e.running);
  for (const s of stale) await removeContainer(run.deps.docker, s.id, 0);
  return replace(
    run,
    replica,
    group.filter((e) => !stale.includes(e)),
  );
}

/** Waits for every promise; rethrows the first failure once none is still running. */
async function all<T>(promises: Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(promises);
  const values: T[] = [];
  for (const r of results) {
    if (r.status === "rejected") throw r.reason;
    values.push(r.value);
  }
  return values;
}

export async function converge(w: Workload, hash: string, deps: ConvergeDeps): Promise<ReplicaOutcome[]> {
  const existing = await listContainers(deps.docker, w.scope, deps.signal, w.component);
  const ports = w.publish
    ? planHostPorts({
        component: w.component,
        replicas: w.replicas,
        containerPort: w.port,
        publish: w.publish,
        existing,
        used: await usedHostPorts(deps.docker, w.publish.host, deps.signal),
      })
    : [];
  const run: Run = { w, hash, deps, ports };
  const groups = Array.from({ length: w.replicas }, (_, i) => existing.filter((e) => e.replica === i));
  const fresh = groups.map((g, i) => [g, i] as const).filter(([g]) => g.length === 0);
  const outcomes = await all(fresh.map(([g, i]) => settle(run, i, g)));
  for (const [i, g] of groups.entries()) {
    if (g.length > 0) outcomes.push(await settle(run, i, g));
  }
  const extra = existing.filter((e) => e.replica < 0 || e.replica >= w.replicas).reverse();
  for (const e of extra) await removeContainer(deps.docker, e.id, deps.stopTimeoutSeconds);
  if (extra.length > 0)
    deps.log(`${w.component}: removed ${extra.length} container(s) beyond ${w.replicas} replica(s)`);
  return outcomes.sort((a, b) => a.replica - b.replica);
}

/** Checks that what runs is what was asked; the problems, in words (empty when it matches). */
export async function verify(
  w: Workload,
  hash: string,
  imageId: string,
  deps: Pick<ConvergeDeps, "docker" | "signal">,
): Promise<string[]> {
  const list = await listContainers(deps.docker, w.scope, deps.signal, w.component);
  const problems: string[] = [];
  const running = list.filter((e) => e.running);
  if (running.length !== w.replicas || list.length !== w.replicas)
    problems.push(
      `${w.component}: ${running.length} running of ${list.length} container(s), ${w.replicas} asked`,
    );
  for (const e of list) {
    if (e.hash !== hash) problems.push(`${e.name}: runs an older configuration`);
    if (e.info.ImageID && e.info.ImageID !== imageId)
      problems.push(`${e.name}: runs image ${e.info.ImageID.slice(0, 19)}, not ${w.image}`);
    if (
      w.publish &&
      w.port !== undefined &&
      !(e.info.Ports ?? []).some((p) => p.PrivatePort === w.port && p.PublicPort)
    )
      problems.push(`${e.name}: port ${w.port} is not published`);
  }
  return problems;
}

export function mismatch(component: string, problems: readonly string[]): ProviderError {
  return new ProviderError(
    "DOCKER_VERIFY_MISMATCH",
    `what runs does not match the spec: ${problems.join("; ")}`,
    {
      hint: `apply again to converge; if it repeats, see \`docker ps -a --filter label=codeploy.service=${component}\``,
    },
  );
}
