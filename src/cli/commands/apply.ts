import { CodeError } from "../../core/errors.js";
import type { OnFailure } from "../../engine/deploy.js";
import { awaitFreeLock, currentSpec, deploy } from "../../engine/deploy.js";
import { gateApply } from "../../intent/action-gate.js";
import type { ProviderName } from "../../providers/index.js";
import { reviewWithRego } from "../../review/edge.js";
import { planToJson } from "../../review/index.js";
import { checkSecretAccess } from "../../spec/secret-scope.js";
import type { StateStore } from "../../state/types.js";
import { confirm } from "../confirm.js";
import { EXIT_OK, EXIT_REFUSED } from "../exit.js";
import { resolveSpecInput } from "../input.js";
import type { CliIo } from "../io.js";
import { createProgress } from "../progress.js";
import { actorOf, deployDeps, openStore } from "../session.js";
import { loadCliConfig, policySettings, secretAccess } from "../settings.js";
import { withInterrupts } from "../signals.js";
import { formatPlan } from "./plan.js";

export interface ApplyFlags {
  readonly target?: string;
  readonly yes?: boolean;
  readonly json?: boolean;
  readonly acceptRisk?: boolean;
  readonly onFailure?: OnFailure;
  readonly wait?: boolean;
  /** Take over existing objects labelled for another owner or none. */
  readonly adopt?: boolean;
  readonly parallelism?: number;
  readonly stepTimeout?: number;
  readonly provider?: ProviderName;
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly namespace?: string;
  readonly config?: string;
  /** --base FILE: the words amend this spec. */
  readonly base?: string;
  /** --accept-assumptions: open questions of the words do not block. */
  readonly acceptAssumptions?: boolean;
}

export async function applyCommand(io: CliIo, input: string, flags: ApplyFlags): Promise<number> {
  const config = await loadCliConfig(io, flags.config);
  const store = await openStore(io, config);
  try {
    const resolved = await resolveSpecInput(io, input, flags.target, flags.config, {
      ...(flags.base ? { base: flags.base } : {}),
      lookup: (app, env) => currentSpec(store, app, env),
    });
    const spec = resolved.spec;
    // Words that may not be applied are refused before waiting on any lock.
    if (resolved.source === "words") {
      try {
        gateApply(resolved, {
          surface: "cli",
          existing: (await currentSpec(store, spec.name, spec.environment)) !== undefined,
          ...(flags.acceptAssumptions ? { acceptAssumptions: true } : {}),
        });
      } catch (error) {
        await store.appendAudit({
          actor: actorOf(io),
          command: "apply",
          target: `${spec.name}/${spec.environment}`,
          outcome: "refused",
          details: { reason: "intent", action: resolved.action, questions: resolved.questions },
        });
        throw error;
      }
    }
    // A held lock first: fail fast naming its holder, or (--wait) wait it out and plan against
    // what it left. A plan made before waiting could say "nothing to change" and lose this change.
    await withInterrupts(io, (signal) =>
      awaitFreeLock(
        store,
        { app: spec.name, environment: spec.environment },
        {
          wait: flags.wait === true,
          signal,
          onWait: (lock) =>
            io.stderr(
              `waiting: ${spec.name}/${spec.environment} is locked by ${lock.actor}${lock.host ? ` (pid ${lock.pid ?? "?"} on ${lock.host})` : ""} since ${lock.acquiredAt}\n`,
            ),
        },
      ),
    );
    const current = await currentSpec(store, spec.name, spec.environment);
    const review = await reviewWithRego(spec, {
      ...(current ? { current } : {}),
      ...(await policySettings(config)),
    });
    if (!flags.json) {
      for (const a of resolved.assumptions) io.stderr(`assumed: ${a}\n`);
      io.stdout(formatPlan(review));
    }
    const actor = actorOf(io);
    if (!review.approved && !flags.acceptRisk) {
      if (flags.json) {
        io.stdout(`${JSON.stringify({ type: "refused", plan: planToJson(review) })}\n`);
        resultLine(io, { deployment: null, revision: null, outcome: "refused" });
      } else io.stderr("refused: the plan has policy errors (fix them, or pass --accept-risk)\n");
      await store.appendAudit({
        actor,
        command: "apply",
        target: `${spec.name}/${spec.environment}`,
        outcome: "refused",
        details: { reason: "policy" },
      });
      return EXIT_REFUSED;
    }
    if (review.plan.steps.every((s) => s.action === "noop")) {
      if (!flags.json) io.stdout("\nNothing to change: what runs already matches the spec.\n");
      else resultLine(io, { ...(await whatRuns(store, spec.name, spec.environment)), outcome: "unchanged" });
      return EXIT_OK;
    }
    // Before asking: a confirmation that ends in "secret not set" wastes the reader's time.
    try {
      checkSecretAccess(spec, secretAccess(io, config));
    } catch (error) {
      if (error instanceof CodeError)
        await store.appendAudit({
          actor,
          command: "apply",
          target: `${spec.name}/${spec.environment}`,
          outcome: "refused",
          details: { reason: "secrets", code: error.code, ...asRecord(error.details) },
        });
      throw error;
    }
    const production = spec.environment === "production";
    const ok = await confirm(io, {
      ...(flags.yes ? { yes: true } : {}),
      what: `apply ${spec.name} to ${spec.environment}`,
      ...(production ? { typeToConfirm: spec.name } : {}),
    });
    if (!ok) {
      io.stderr("cancelled: nothing was changed\n");
      return EXIT_REFUSED;
    }
    const deps = await deployDeps(io, store, config, flags);
    const progress = createProgress(io, flags.json ? "json" : io.isTty ? "tty" : "plain", review.plan.steps);
    const outcome = await withInterrupts(io, (signal) =>
      deploy(
        {
          spec,
          actor,
          ...(resolved.request ? { request: resolved.request } : {}),
          ...(resolved.interpreter ? { interpreter: resolved.interpreter } : {}),
          ...(resolved.usage ? { interpretUsage: resolved.usage } : {}),
          onFailure: flags.onFailure ?? "rollback",
          ...(flags.wait ? { waitForLock: true } : {}),
          ...(flags.adopt ? { adopt: true } : {}),
        },
        deps,
        {
          signal,
          onEvent: progress.onEvent,
          ...(flags.parallelism ? { parallelism: flags.parallelism } : {}),
          ...(flags.stepTimeout ? { stepTimeoutMs: flags.stepTimeout * 1000 } : {}),
        },
      ),
    );
    progress.done();
    const d = outcome.deployment;
    if (flags.json)
      resultLine(io, {
        deployment: d.id,
        revision: outcome.revision.number,
        outcome: d.outcome ?? "unknown",
      });
    else {
      io.stdout(
        `\n${spec.name}/${spec.environment}: ${d.outcome} (revision ${outcome.revision.number}, deployment ${d.id})\n`,
      );
      if (d.error) io.stdout(`  error: ${d.error}\n`);
      if (d.outcome === "rolled-back") io.stdout("  the previous revision was restored\n");
    }
    return d.outcome === "succeeded" ? EXIT_OK : EXIT_REFUSED;
  } finally {
    await store.close();
  }
}

function asRecord(details: unknown): Record<string, unknown> {
  return typeof details === "object" && details !== null && !Array.isArray(details) ? { ...details } : {};
}

interface ApplyResult {
  readonly deployment: string | null;
  readonly revision: number | null;
  /** succeeded, failed, rolled-back, cancelled; unchanged (nothing to do) or refused (nothing started). */
  readonly outcome: string;
}

/** The last line of `apply --json`, whatever happened: scripts read the id, revision and outcome from it. */
function resultLine(io: CliIo, result: ApplyResult): void {
  io.stdout(`${JSON.stringify({ type: "result", ...result })}\n`);
}

/** The revision that runs and the deployment that made it run, for an apply that changes nothing. */
async function whatRuns(store: StateStore, app: string, environment: string) {
  const [status] = await store.status({ app, environment });
  const revision = status?.currentRevision ?? null;
  const made = (await store.listDeployments({ app, environment })).find(
    (d) => d.revision === revision && d.outcome === "succeeded",
  );
  return { deployment: made?.id ?? null, revision };
}
