/**
 * What the tools answer, compact by default: an assistant's context is the
 * scarce resource, so a plan is counts, one line per change and the findings
 * that matter; `detail: "full"` returns the service's whole answer. Shapes
 * only: every decision in these answers was made by the service.
 */
import type {
  Change,
  DeploymentView,
  EnvironmentView,
  HistoryAnswer,
  InterpretAnswer,
  PlanAnswer,
} from "../service/types.js";
import type { DeploymentSpec } from "../spec/schema.js";

export type Detail = "summary" | "full";

/** Lines beyond this many are counted, not listed. */
const MAX_LINES = 60;

function capped(lines: readonly string[], max = MAX_LINES): string[] {
  return lines.length <= max ? [...lines] : [...lines.slice(0, max), `... and ${lines.length - max} more`];
}

/** `services: web, api; databases: db (postgres)` */
export function specOutline(spec: DeploymentSpec): string {
  const parts: string[] = [];
  const names = (label: string, items: readonly { name: string; engine?: string }[]) => {
    if (items.length === 0) return;
    parts.push(`${label}: ${items.map((i) => (i.engine ? `${i.name} (${i.engine})` : i.name)).join(", ")}`);
  };
  names("services", spec.services);
  names("databases", spec.databases);
  names("caches", spec.caches);
  names("queues", spec.queues);
  names("buckets", spec.buckets);
  return parts.join("; ");
}

export function interpretAnswer(answer: InterpretAnswer, detail: Detail) {
  const { spec } = answer;
  return {
    action: answer.action,
    app: spec.name,
    environment: spec.environment,
    target: spec.target,
    outline: specOutline(spec),
    assumptions: answer.assumptions,
    questions: answer.questions,
    interpreter: answer.interpreter,
    ...(detail === "full" ? { spec } : {}),
  };
}

function counts(steps: readonly { action: string }[]) {
  const n = { create: 0, update: 0, delete: 0, noop: 0 };
  for (const s of steps) if (s.action in n) n[s.action as keyof typeof n]++;
  return n;
}

/** The reviewed plan of an apply: what changes, what it costs, what the policy found. */
export function planAnswer(plan: PlanAnswer, detail: Detail, typeToConfirm: string | undefined) {
  const findings = plan.findings.filter((f) => detail === "full" || f.severity !== "info");
  return {
    planId: plan.planId ?? "",
    action: "apply" as const,
    app: plan.app,
    environment: plan.environment,
    target: plan.target,
    approved: plan.approved,
    counts: counts(plan.steps),
    changes: capped(
      plan.steps.filter((s) => s.action !== "noop").map((s) => `${s.action} ${s.id}: ${s.description}`),
    ),
    monthlyUsd: plan.cost.monthlyUsd,
    findings: capped(
      findings.map((f) => `${f.severity} ${f.id} at ${f.path}: ${f.message}`),
      detail === "full" ? Number.POSITIVE_INFINITY : 20,
    ),
    ...(plan.assumptions?.length ? { assumptions: plan.assumptions } : {}),
    ...(plan.questions?.length ? { questions: plan.questions } : {}),
    ...(typeToConfirm !== undefined ? { confirm: typeToConfirm } : {}),
    ...(detail === "full"
      ? {
          steps: plan.steps,
          cost: plan.cost,
          artifacts: plan.artifacts,
          spec: plan.spec,
          findingsFull: plan.findings,
        }
      : {}),
  };
}

/** The plan of a rollback or destroy: the change as the service made it, not run. */
export function changePlanAnswer(change: Change, detail: Detail) {
  return {
    planId: change.planId ?? "",
    action: change.action,
    app: change.app,
    environment: change.environment,
    approved: true,
    counts: counts(change.steps),
    changes: capped(
      change.steps.length > 0
        ? change.steps.map((s) => `${s.action} ${s.id}: ${s.description}`)
        : [change.confirm.what],
    ),
    ...(change.confirm.typeToConfirm !== undefined ? { confirm: change.confirm.typeToConfirm } : {}),
    ...(detail === "full" ? { steps: change.steps } : {}),
  };
}

export function deploymentLine(d: DeploymentView) {
  return {
    id: d.id,
    action: d.action,
    revision: d.revision,
    outcome: d.outcome ?? d.state,
    actor: d.actor,
    startedAt: d.startedAt,
    ...(d.error ? { error: d.error.slice(0, 500) } : {}),
  };
}

export function environmentAnswer(env: EnvironmentView, detail: Detail) {
  return {
    app: env.app,
    environment: env.environment,
    revision: env.currentRevision ?? null,
    ...(env.lastDeployment ? { last: deploymentLine(env.lastDeployment) } : {}),
    ...(env.lock ? { lockedBy: env.lock.actor } : {}),
    endpoints: env.endpoints,
    ...(env.workloads ? { workloads: env.workloads.map((w) => `${w.kind} ${w.name}: ${w.status}`) } : {}),
    ...(env.problems?.length ? { problems: env.problems } : {}),
    ...(env.observeError ? { observeError: env.observeError } : {}),
    ...(detail === "full" ? { outputs: env.outputs, serviceEndpoints: env.serviceEndpoints ?? {} } : {}),
  };
}

export function historyAnswer(history: HistoryAnswer, limit: number, detail: Detail) {
  return {
    deployments: history.deployments.slice(0, limit).map(deploymentLine),
    revisions: history.revisions
      .slice()
      .sort((a, b) => b.number - a.number)
      .slice(0, limit)
      .map((r) => ({
        number: r.number,
        ...(r.environment ? { environment: r.environment } : {}),
        actor: r.actor,
        createdAt: r.createdAt,
        ...(r.request ? { request: r.request.slice(0, 200) } : {}),
        ...(detail === "full" && r.interpreter ? { interpreter: r.interpreter } : {}),
      })),
  };
}
