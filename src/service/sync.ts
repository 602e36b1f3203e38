/**
 * `codeploy sync`: a repository as the source of truth. Reads one spec file
 * per app and environment at a ref, and takes each through the service's
 * apply (the same policy, secret, lock and RBAC gates as `apply`), so a
 * refused spec is reported and blocks none of the others. Confirmation as
 * `apply`: `yes`, or an environment listed in `gitops.autoSync`, or the
 * person asked through `confirm`; nobody to ask refuses it.
 */
import { CodeError } from "../core/errors.js";
import { type RepoAccess, readSpecs, redactUrl } from "../gitops/index.js";
import { parseDocument } from "../spec/parse.js";
import { validateSpec } from "../spec/validate.js";
import type { Change, CodeService, DeploymentView, RunHooks } from "./types.js";

export interface SyncRequest {
  /** As given: a path or a URL (shown redacted). */
  readonly repo: string;
  /** @default "main" */
  readonly ref?: string;
  /** @default "specs" */
  readonly path?: string;
  /** Plan only. @default false */
  readonly dryRun?: boolean;
  /** Confirmed for every environment. @default false */
  readonly yes?: boolean;
  /** Deploy with this provider, as `apply --provider`. @default each spec's target */
  readonly provider?: string;
}

export interface SyncDeps {
  readonly service: CodeService;
  readonly access: RepoAccess;
  /** `gitops.autoSync`: environments applied without confirmation. */
  readonly autoSync: readonly string[];
  /** Asks the person; absent: nobody to ask (refused unless yes or autoSync). */
  readonly confirm?: (change: Change) => Promise<boolean>;
  /** Hooks of each run (progress, notes). */
  readonly hooks?: (file: string) => Omit<RunHooks, "deploymentId">;
  /** Runs a confirmed change (a server tracks it among its runs). @default change.run(hooks) */
  readonly runChange?: (change: Change, hooks: Omit<RunHooks, "deploymentId">) => Promise<DeploymentView>;
}

export type SyncOutcome = "unchanged" | "planned" | "applied" | "refused" | "failed";

export interface SyncItem {
  /** Path of the spec file in the repository. */
  readonly file: string;
  readonly app?: string;
  readonly environment?: string;
  readonly outcome: SyncOutcome;
  readonly reason?: string;
  readonly revision?: number | null;
  readonly deployment?: string | null;
  /** planned: the steps that would run. */
  readonly changes?: number;
  /** Refused for a reason that may pass later (a held lock, an engine that did not answer). */
  readonly retryable?: boolean;
}

export interface SyncAnswer {
  readonly repo: string;
  readonly ref: string;
  readonly commit: string;
  readonly items: SyncItem[];
}

export async function syncRepository(deps: SyncDeps, request: SyncRequest): Promise<SyncAnswer> {
  const ref = request.ref ?? "main";
  const path = request.path ?? "specs";
  const checkout = await readSpecs(deps.access, ref, path);
  const repo = redactUrl(deps.access.repo.url);
  const parsed = checkout.files.map((f) => {
    try {
      const document = parseDocument(f.text, f.path);
      const spec = validateSpec(document);
      return { file: f.path, document, app: spec.name, environment: spec.environment };
    } catch (error) {
      return { file: f.path, error: reasonOf(error) };
    }
  });
  const owners = new Map<string, number>();
  for (const p of parsed)
    if ("app" in p)
      owners.set(`${p.app}/${p.environment}`, (owners.get(`${p.app}/${p.environment}`) ?? 0) + 1);
  const items: SyncItem[] = [];
  for (const p of parsed) {
    if (!("app" in p)) {
      items.push({ file: p.file, outcome: "refused", reason: p.error });
      continue;
    }
    const who = { file: p.file, app: p.app, environment: p.environment };
    if ((owners.get(`${p.app}/${p.environment}`) ?? 0) > 1) {
      items.push({ ...who, outcome: "refused", reason: `another file also holds ${p.app}/${p.environment}` });
      continue;
    }
    const origin = `sync ${repo}@${checkout.commit}:${p.file}`;
    const source = { origin, commit: checkout.commit, file: p.file };
    items.push({ ...who, ...(await syncOne(deps, request, p.document, source)) });
  }
  if (items.length === 0)
    items.push({ file: path, outcome: "refused", reason: `no spec file under ${path} at ${ref}` });
  return { repo, ref, commit: checkout.commit, items };
}

type Result = Omit<SyncItem, "file" | "app" | "environment">;

async function syncOne(
  deps: SyncDeps,
  request: SyncRequest,
  document: unknown,
  source: { readonly origin: string; readonly commit: string; readonly file: string },
): Promise<Result> {
  const { origin, commit, file } = source;
  try {
    const change = await deps.service.apply({
      input: { spec: document, source: file, origin, commit },
      ...(request.provider ? { provider: request.provider } : {}),
    });
    const plan = change.plan;
    if (plan && !plan.approved) {
      const rules = plan.findings.filter((f) => f.severity === "error").map((f) => `${f.id} at ${f.path}`);
      // Running it refuses it, and records the refusal in the audit log.
      await change.run().catch(() => undefined);
      return { outcome: "refused", reason: `policy errors: ${[...new Set(rules)].join(", ")}` };
    }
    if (!change.changes)
      return {
        outcome: "unchanged",
        revision: change.current?.revision ?? null,
        deployment: change.current?.deployment ?? null,
      };
    const steps = change.steps.filter((s) => s.action !== "noop").length;
    if (request.dryRun) return { outcome: "planned", changes: steps };
    if (!(await confirmed(deps, request, change)))
      return {
        outcome: "refused",
        reason: `not confirmed: ${change.environment} needs --yes, a yes on the terminal, or gitops.autoSync`,
        changes: steps,
      };
    const hooks = deps.hooks?.(file) ?? {};
    const d = await (deps.runChange ? deps.runChange(change, hooks) : change.run(hooks));
    return d.outcome === "succeeded"
      ? { outcome: "applied", revision: d.revision, deployment: d.id, changes: steps }
      : {
          outcome: "failed",
          reason: `${d.outcome ?? d.state}${d.error ? `: ${d.error}` : ""}`,
          revision: d.revision,
          deployment: d.id,
        };
  } catch (error) {
    const retryable = error instanceof CodeError && (error.retryable || error.code === "LOCKED");
    return { outcome: "refused", reason: reasonOf(error), ...(retryable ? { retryable } : {}) };
  }
}

async function confirmed(deps: SyncDeps, request: SyncRequest, change: Change): Promise<boolean> {
  if (request.yes === true || deps.autoSync.includes(change.environment)) return true;
  return deps.confirm !== undefined && (await deps.confirm(change));
}

function reasonOf(error: unknown): string {
  if (error instanceof CodeError) {
    // One line per item: the spec's problems (with their paths) joined.
    return `${error.code}: ${error.message.replace(/\n\s*/g, "; ")}${error.hint ? ` (${error.hint})` : ""}`;
  }
  return error instanceof Error ? error.message : String(error);
}
