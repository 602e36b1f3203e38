/**
 * What runs where: the store's view of each environment, the endpoints among
 * the outputs of the deployment that put the current revision in place, and
 * (live) what the provider that deployed it reports now. The same answer on
 * the CLI, through a server, and later in the dashboard.
 */

import type { ObservedResource, Provider } from "../engine/provider.js";
import { recordedProvider } from "../engine/records.js";
import type { DeploymentSpec } from "../spec/schema.js";
import type { Deployment, EnvironmentStatus, StateStore } from "../state/types.js";
import type {
  Caller,
  EnvironmentView,
  ObservedWorkload,
  StatusAnswer,
  StatusPageAnswer,
  StatusPageRequest,
  StatusRequest,
} from "./types.js";

/** The provider that deployed what runs (by its recorded name), to ask what runs now. */
export type ProviderOf = (spec: DeploymentSpec, name: string) => Provider | Promise<Provider>;

const OBSERVE_DEADLINE_MS = 10_000;
const URL_VALUE = /^[a-z][a-z0-9+.-]*:\/\/\S+$/i;

export async function readStatus(
  store: StateStore,
  caller: Caller,
  request: StatusRequest,
  providerOf: ProviderOf | undefined,
): Promise<StatusAnswer> {
  const rows = (
    await store.status({
      ...(request.app ? { app: request.app } : {}),
      ...(request.environment ? { environment: request.environment } : {}),
    })
  ).filter((r) => caller.sees(r.environment));
  if (request.brief === true && request.live !== true) return { environments: rows.map(briefView) };
  const environments = await Promise.all(
    rows.map(async (row): Promise<EnvironmentView> => {
      const { outputs, urls: recorded } = await outputsOf(store, row);
      const live = request.live && providerOf ? await observeRow(store, row, providerOf) : {};
      const { lastDeployment, ...rest } = row;
      const liveUrls = Object.values(live.serviceEndpoints ?? {}).flat();
      return {
        ...rest,
        lastDeployment: lastDeployment ? withoutProvider(lastDeployment) : undefined,
        endpoints: [...new Set([...recorded, ...liveUrls])].sort(),
        outputs,
        ...live,
      };
    }),
  );
  return { environments };
}

/** A store row as a list shows it: no outputs, no endpoints (nothing more is read). */
export function briefView({ lastDeployment, ...rest }: EnvironmentStatus): EnvironmentView {
  return {
    ...rest,
    lastDeployment: lastDeployment ? withoutProvider(lastDeployment) : undefined,
    endpoints: [],
    outputs: {},
  };
}

export const DEFAULT_STATUS_PAGE = 25;
export const MAX_STATUS_PAGE = 100;

/** The store's page of what the caller sees; a limit above MAX_STATUS_PAGE is lowered to it. */
export async function readStatusPage(
  store: StateStore,
  caller: Caller,
  request: StatusPageRequest,
): Promise<StatusPageAnswer> {
  const limit = Math.max(1, Math.min(MAX_STATUS_PAGE, Math.floor(request.limit ?? DEFAULT_STATUS_PAGE)));
  const offset = Math.max(0, Math.floor(request.offset ?? 0));
  const page = await store.statusPage({
    visible: caller.sees,
    ...(request.environment ? { environment: request.environment } : {}),
    ...(request.search ? { search: request.search } : {}),
    ...(request.state ? { state: request.state } : {}),
    ...(request.sort ? { sort: request.sort } : {}),
    offset,
    limit,
  });
  return {
    environments: page.rows.map(briefView),
    total: page.total,
    offset,
    limit,
    environmentNames: page.environments,
  };
}

function withoutProvider(d: Deployment) {
  const { provider: _p, ...view } = d;
  return view;
}

/** The step outputs of the deployment that put the current revision in place, and the URLs among them. */
async function outputsOf(
  store: StateStore,
  status: EnvironmentStatus,
): Promise<{ outputs: Record<string, Record<string, string>>; urls: string[] }> {
  const outputs: Record<string, Record<string, string>> = {};
  if (status.currentRevision === undefined) return { outputs, urls: [] };
  const history = await store.listDeployments({
    app: status.app,
    environment: status.environment,
    limit: 20,
  });
  const live = history.find((d) => d.outcome === "succeeded" && d.action !== "destroy");
  const urls: string[] = [];
  for (const e of live ? await store.listEvents(live.id) : []) {
    const data = e.data;
    if (e.type !== "step-succeeded" || e.step === undefined || data === null || typeof data !== "object")
      continue;
    const found = "outputs" in data ? data.outputs : undefined;
    if (found === null || typeof found !== "object") continue;
    outputs[e.step] = Object.fromEntries(Object.entries(found).map(([k, v]) => [k, String(v)]));
    for (const value of Object.values(found)) if (URL_VALUE.test(String(value))) urls.push(String(value));
  }
  return { outputs, urls };
}

type Live = Pick<EnvironmentView, "serviceEndpoints" | "workloads" | "problems" | "observeError">;

/**
 * Only the provider that deployed what runs is asked: a rehearsal with the
 * null provider never makes status contact an engine.
 */
async function observeRow(store: StateStore, row: EnvironmentStatus, providerOf: ProviderOf): Promise<Live> {
  if (row.currentRevision === undefined) return {};
  const revision = await store.getRevision(row, row.currentRevision);
  const spec = revision?.spec as DeploymentSpec | undefined;
  if (spec === undefined) return {};
  const name = (await recordedProvider(store, row)) ?? spec.target;
  try {
    const provider = await providerOf(spec, name);
    // Capabilities: only providers that can tell drift (docker, kubernetes) are asked; a
    // rehearsal with the null provider never makes status contact an engine.
    if (provider.drift === undefined) return {};
    const signal = AbortSignal.timeout(OBSERVE_DEADLINE_MS);
    const observed = await provider.observe({ app: row.app, environment: row.environment, spec, signal });
    const endpoints = provider.endpoints?.(observed);
    return {
      workloads: observed.map(workloadOf),
      ...(endpoints
        ? { serviceEndpoints: Object.fromEntries(Object.entries(endpoints).map(([k, v]) => [k, [...v]])) }
        : {}),
      problems: [...(provider.drift?.(spec, observed) ?? [])],
    };
  } catch (error) {
    return { observeError: error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error) };
  }
}

function workloadOf(r: ObservedResource): ObservedWorkload {
  const d = r.details ?? {};
  return {
    kind: r.kind,
    name: r.name,
    status: r.status,
    ...(typeof d.ready === "number" ? { ready: d.ready } : {}),
    ...(typeof d.desired === "number" ? { desired: d.desired } : {}),
  };
}
