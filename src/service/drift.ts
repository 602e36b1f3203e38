/**
 * `codeploy drift`: what runs, compared with the last applied revision by the
 * provider that applied it, read-only; then `drift.ignore` rules (per kind,
 * JSON pointers) and the default that autoscaled replica counts are not drift.
 * The same answer on the CLI, through a server, and in `serve`'s interval check.
 */
import { CodeError } from "../core/errors.js";
import { type DriftItem, underPointer } from "../engine/drift.js";
import type { Provider } from "../engine/provider.js";
import type { RenderResult } from "../render/types.js";
import type { DeploymentSpec } from "../spec/schema.js";
import type { DriftEvent, DriftRetention, StateStore } from "../state/types.js";
import type { EnvironmentRequest } from "./types.js";

export type { DriftItem } from "../engine/drift.js";

/** One `drift.ignore` rule of codeploy.yaml. */
export interface DriftIgnoreRule {
  /** `container`, `Deployment`, a terraform resource type, or `*`. */
  readonly kind: string;
  /** JSON pointers; a field under one is ignored. */
  readonly paths: readonly string[];
  readonly apps?: readonly string[] | undefined;
  readonly environments?: readonly string[] | undefined;
}

export interface DriftSettings {
  readonly ignore: readonly DriftIgnoreRule[];
  /** Drift events kept per app + environment. @default DEFAULT_DRIFT_RETENTION */
  readonly events?: DriftRetention | undefined;
  /** Replica counts of autoscaled services (an HPA owns them) are not drift. @default true */
  readonly ignoreAutoscaledReplicas?: boolean;
}

export type DriftRequest = EnvironmentRequest;

export interface DriftAnswer {
  readonly app: string;
  readonly environment: string;
  /** The last applied revision, compared with what runs. */
  readonly revision: number;
  /** The provider that applied it and was asked. */
  readonly provider: string;
  readonly checkedAt: string;
  readonly drifted: boolean;
  /** Distinct objects (kind + name) with at least one reported difference. */
  readonly resources: number;
  readonly items: DriftItem[];
  /** Differences left out by `drift.ignore` rules and defaults. */
  readonly ignored: number;
  /** The drift event this check recorded (its seq), when it found drift. */
  readonly event?: number;
}

export interface DriftDeps {
  readonly store: StateStore;
  readonly settings?: DriftSettings | undefined;
  /** The provider recorded with what runs (undefined: the spec's target). */
  readonly providerFor: (spec: DeploymentSpec, recorded: string | undefined) => Provider | Promise<Provider>;
  readonly render: (
    spec: DeploymentSpec,
    recorded: string | undefined,
  ) => RenderResult | Promise<RenderResult>;
  readonly recorded: (key: EnvironmentRequest) => Promise<string | undefined>;
  /** Deadline of one check. @default 60 s */
  readonly timeoutMs?: number;
}

export const DEFAULT_DRIFT_RETENTION: DriftRetention = { keep: 500, maxAgeDays: 90 };

/** Items kept in a drift event's summary; `count` says how many there were. */
const SUMMARY_ITEMS = 50;

/** Records a check that found drift as an event (bounded by the retention); nothing for a clean one. */
export async function recordDriftEvent(
  store: StateStore,
  answer: DriftAnswer,
  checker: string,
  retention: DriftRetention = DEFAULT_DRIFT_RETENTION,
): Promise<DriftEvent | undefined> {
  if (!answer.drifted) return undefined;
  const summary = {
    count: answer.items.length,
    ignored: answer.ignored,
    // What changed where, without the values (they may be secrets the check saw).
    items: answer.items.slice(0, SUMMARY_ITEMS).map((i) => ({
      kind: i.kind,
      name: i.name,
      ...(i.service !== undefined ? { service: i.service } : {}),
      change: i.change,
      path: i.path,
    })),
  };
  return store.driftEvents.record(
    {
      app: answer.app,
      environment: answer.environment,
      revision: answer.revision,
      provider: answer.provider,
      resources: answer.resources,
      summary,
      checker,
    },
    retention,
  );
}

const REPLICA_KINDS = new Set(["Deployment", "StatefulSet"]);

/** Whether a rule or a default leaves `item` out. */
export function ignoredBy(
  item: DriftItem,
  spec: DeploymentSpec,
  settings: DriftSettings | undefined,
): boolean {
  if ((settings?.ignoreAutoscaledReplicas ?? true) && REPLICA_KINDS.has(item.kind)) {
    const service = spec.services.find((s) => s.name === item.service);
    if (service?.autoscale && underPointer(item.path, "/spec/replicas")) return true;
  }
  return (settings?.ignore ?? []).some(
    (rule) =>
      (rule.kind === "*" || rule.kind === item.kind) &&
      (rule.apps === undefined || rule.apps.includes(spec.name)) &&
      (rule.environments === undefined || rule.environments.includes(spec.environment)) &&
      rule.paths.some((p) => item.path !== "" && underPointer(item.path, p)),
  );
}

export function countResources(items: readonly DriftItem[]): number {
  return new Set(items.map((i) => JSON.stringify([i.kind, i.name]))).size;
}

/** Compares what runs with the last applied revision; NOT_DEPLOYED when nothing was. */
export async function checkDrift(deps: DriftDeps, request: DriftRequest): Promise<DriftAnswer> {
  const { app, environment } = request;
  const [row] = await deps.store.status({ app, environment });
  const revision = row?.currentRevision;
  const recorded = revision === undefined ? undefined : await deps.store.getRevision(request, revision);
  if (revision === undefined || recorded === undefined) {
    throw new CodeError("NOT_DEPLOYED", `${app}/${environment} has no applied revision to compare with`, {
      hint: "check the names with `codeploy status`",
    });
  }
  const spec = recorded.spec as DeploymentSpec;
  const name = await deps.recorded(request);
  const provider = await deps.providerFor(spec, name);
  if (provider.detectDrift === undefined) {
    throw new CodeError(
      "DRIFT_UNSUPPORTED",
      `the ${provider.name} provider that applied ${app}/${environment} cannot tell drift`,
      { hint: "drift is read from docker, kubernetes and terraform deployments" },
    );
  }
  const artifacts = await deps.render(spec, name);
  const found = await provider.detectDrift({
    app,
    environment,
    revision,
    spec,
    artifacts,
    signal: AbortSignal.timeout(deps.timeoutMs ?? 60_000),
  });
  const items = found.filter((i) => !ignoredBy(i, spec, deps.settings));
  return {
    app,
    environment,
    revision,
    provider: provider.name,
    checkedAt: new Date().toISOString(),
    drifted: items.length > 0,
    resources: countResources(items),
    items,
    ignored: found.length - items.length,
  };
}
