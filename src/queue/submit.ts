/**
 * An API server's half of the queue: a change (apply, rollback, destroy) that
 * passed every gate of the service (auth, RBAC, policy, secrets, plan) is
 * recorded as a job instead of run. The job keeps what the worker needs to run
 * the same request again with the same rights: the request (an apply's words
 * resolved to their spec), its kind, and who asked.
 */
import { randomUUID } from "node:crypto";
import { CodeError } from "../core/errors.js";
import { redactSecrets } from "../core/redact.js";
import type { ApplyRequest, Change, DestroyRequest, RollbackRequest } from "../service/types.js";
import type { JobKind, JobStore } from "../state/jobs.js";

export interface SubmittedJob {
  /** The deployment id the job will run with. */
  readonly id: string;
  /** Jobs queued or running before it, of every app. */
  readonly ahead: number;
}

/**
 * Who asked, as the worker re-checks it: the server's principal (actor, role,
 * environments), never anything the request body says.
 */
export interface JobCaller {
  readonly actor: string;
  readonly principal: unknown;
}

export async function submitApply(jobs: JobStore, change: Change, caller: JobCaller): Promise<SubmittedJob> {
  const request = change.replay;
  if (change.action !== "apply" || request === undefined) {
    throw new CodeError("INTERNAL", `a ${change.action} cannot be queued as an apply`, {
      hint: "queue rollbacks and destroys with submitChange",
    });
  }
  return enqueue(jobs, "apply", change, request satisfies ApplyRequest, caller);
}

/** What a queued rollback or destroy keeps of its request: app and environment are the job's own columns. */
export type ChangeReplay =
  | Omit<RollbackRequest, "app" | "environment" | "wait">
  | Omit<DestroyRequest, "app" | "environment" | "wait">;

/**
 * A rollback or destroy that passed the service's gates, queued behind the jobs of its app and
 * environment already in line (an apply submitted before it runs first). `request` is the one the
 * change was made from; the worker makes the change again from it, as the same caller.
 */
export async function submitChange(
  jobs: JobStore,
  change: Change,
  request: RollbackRequest | DestroyRequest,
  caller: JobCaller,
): Promise<SubmittedJob> {
  if (change.action === "apply" || request.app !== change.app || request.environment !== change.environment) {
    throw new CodeError("INTERNAL", `this ${change.action} cannot be queued as a rollback or destroy`, {
      hint: "queue applies with submitApply, with the request the change was made from",
    });
  }
  // `wait` is the local lock wait: a queued change waits its turn in line instead.
  const { app: _app, environment: _environment, wait: _wait, ...replay } = request;
  return enqueue(jobs, change.action, change, replay satisfies ChangeReplay, caller);
}

async function enqueue(
  jobs: JobStore,
  kind: JobKind,
  change: Change,
  request: object,
  caller: JobCaller,
): Promise<SubmittedJob> {
  const clear = secretInClear(request);
  if (clear !== undefined) {
    throw new CodeError("SECRET_IN_QUEUE", `${clear} holds what looks like a secret value`, {
      hint: "a queued deployment keeps no secret values: reference it as secret:NAME (set CODEPLOY_SECRET_NAME where workers run)",
      details: { path: clear },
    });
  }
  const id = randomUUID();
  const { ahead } = await jobs.enqueue({
    id,
    kind,
    app: change.app,
    environment: change.environment,
    actor: caller.actor,
    caller: caller.principal,
    request,
  });
  return { id, ahead };
}

/**
 * The path of the first value the store would redact (a literal under a secret-looking name, a
 * credential recognised by its shape), or undefined. `secret:NAME` references are kept as they are.
 */
export function secretInClear(value: unknown, path = "request"): string | undefined {
  return firstDifference(value, redactSecrets(value), path);
}

function firstDifference(a: unknown, b: unknown, path: string): string | undefined {
  if (a === b) return undefined;
  if (typeof a !== "object" || a === null || typeof b !== "object" || b === null) return path;
  if (Array.isArray(a)) {
    const other = Array.isArray(b) ? b : [];
    for (const [i, v] of a.entries()) {
      const found = firstDifference(v, other[i], `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  const other = new Map(Object.entries(b));
  for (const [key, v] of Object.entries(a)) {
    const found = firstDifference(v, other.get(key), `${path}.${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}
