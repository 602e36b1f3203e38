/**
 * `codeploy serve` with `drift.intervalMinutes`: every deployed app is
 * compared with its last applied revision on an interval, a few at a time,
 * never two rounds at once and never on the request path. Each finding goes
 * to the audit log, to a drift event (recorded by the service's check; the
 * heal's outcome is set on it) and to `codeploy_drift_resources{app,env}`;
 * with `drift.selfHeal` the last applied revision (never a newer, unapplied
 * one) is applied again through the service's rollback path, audited with
 * the reason.
 */
import type { DriftConfig } from "../core/config.js";
import { CodeError } from "../core/errors.js";
import { describeDrift } from "../engine/drift.js";
import type { DriftAnswer } from "../service/drift.js";
import type { CodeService, EnvironmentRequest } from "../service/types.js";
import type { DriftHeal } from "../state/types.js";
import type { Principal } from "./auth/rbac.js";
import type { ServerDeps } from "./context.js";
import { runHooks } from "./routes/deployments.js";
import { serviceFor } from "./service.js";

/** The actor of drift checks and heals in deployments and audit records. */
export const DRIFT_ACTOR = "codeploy-drift";

/** What the watch may do: read, and roll back to what was applied (a deployer's rights, no more). */
const PRINCIPAL: Principal = {
  id: "system:drift",
  actor: DRIFT_ACTOR,
  kind: "api-key",
  role: "deployer",
  environments: undefined,
};

/** Items kept in one audit record; the count says how many there were. */
const AUDITED_ITEMS = 50;

export interface DriftCheck {
  readonly app: string;
  readonly environment: string;
  readonly answer?: DriftAnswer;
  /** The check failed (engine unreachable...). */
  readonly error?: string;
  /** Self-heal ran: the deployment's outcome. */
  readonly healed?: { readonly deployment: string; readonly outcome: string | undefined };
}

export class DriftWatch {
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<DriftCheck[]> | undefined;
  private stopped = false;
  private readonly service: CodeService;

  constructor(
    private readonly deps: ServerDeps,
    private readonly config: Pick<DriftConfig, "intervalMinutes" | "selfHeal" | "concurrency">,
  ) {
    this.service = serviceFor(deps, PRINCIPAL);
  }

  /** Schedules rounds every intervalMinutes (the first after one interval); no-op without it. */
  start(): void {
    const minutes = this.config.intervalMinutes;
    if (minutes === undefined || this.timer !== undefined || this.stopped) return;
    const ms = Math.round(minutes * 60_000);
    const tick = () => {
      this.timer = setTimeout(() => {
        void this.checkAll().finally(() => {
          if (!this.stopped) tick();
        });
      }, ms);
      this.timer.unref();
    };
    tick();
  }

  /** No new round starts; resolves when the running one (if any) has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.round?.catch(() => {});
  }

  /** One round over every deployed app; a round already running is joined, not doubled. */
  checkAll(): Promise<DriftCheck[]> {
    this.round ??= this.runRound().finally(() => {
      this.round = undefined;
    });
    return this.round;
  }

  private async runRound(): Promise<DriftCheck[]> {
    const { environments } = await this.service.status();
    const deployed = environments.filter((e) => e.currentRevision !== undefined);
    const queue = deployed.map((e) => ({ app: e.app, environment: e.environment }));
    const results: DriftCheck[] = [];
    const worker = async () => {
      for (let next = queue.shift(); next !== undefined && !this.stopped; next = queue.shift())
        results.push(await this.checkOne(next));
    };
    await Promise.all(Array.from({ length: Math.min(this.config.concurrency, queue.length) }, worker));
    return results;
  }

  private async checkOne(key: EnvironmentRequest): Promise<DriftCheck> {
    const { metrics, logger } = this.deps;
    let answer: DriftAnswer;
    try {
      answer = await this.service.drift(key);
    } catch (error) {
      // A provider that cannot tell drift (null) has nothing to report: no series for it.
      if (error instanceof CodeError && error.code === "DRIFT_UNSUPPORTED") return { ...key };
      const message = error instanceof Error ? error.message : String(error);
      logger.log("warn", `drift check of ${key.app}/${key.environment} failed`, { error: message });
      return { ...key, error: message };
    }
    metrics.setDriftResources(key.app, key.environment, answer.resources);
    if (!answer.drifted) return { ...key, answer };
    await this.audit(key, "drift", "ok", {
      revision: answer.revision,
      provider: answer.provider,
      resources: answer.resources,
      count: answer.items.length,
      items: answer.items.slice(0, AUDITED_ITEMS).map(describeDrift),
    });
    if (!this.config.selfHeal) return { ...key, answer };
    return { ...key, answer, healed: await this.heal(key, answer) };
  }

  /** Re-applies the revision the check compared with: the last applied one, never a newer one. */
  private async heal(key: EnvironmentRequest, answer: DriftAnswer): Promise<DriftCheck["healed"]> {
    const reason = `self-heal: ${answer.resources} resource(s) drifted from revision ${answer.revision}`;
    await this.audit(key, "drift-heal", "started", { reason, revision: answer.revision });
    try {
      const change = await this.service.rollback({ ...key, revision: answer.revision, reconcile: true });
      let finished: Promise<{ id: string; outcome: string | undefined }> | undefined;
      await this.deps.runs.start((ctx) => {
        const run = change.run(runHooks(ctx));
        finished = run;
        return run;
      });
      const done = await finished;
      const after = await this.service.drift(key).catch(() => undefined);
      if (after) this.deps.metrics.setDriftResources(key.app, key.environment, after.resources);
      await this.audit(key, "drift-heal", done?.outcome === "succeeded" ? "ok" : "failed", {
        reason,
        revision: answer.revision,
        deployment: done?.id,
        ...(after ? { driftAfter: after.resources } : {}),
      });
      await this.recordHeal(key, answer, {
        deployment: done?.id,
        outcome: done?.outcome ?? "failed",
        ...(after ? { driftAfter: after.resources } : {}),
      });
      return done ? { deployment: done.id, outcome: done.outcome } : undefined;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await this.audit(key, "drift-heal", "failed", { reason, revision: answer.revision, error: message });
      await this.recordHeal(key, answer, { outcome: "refused" });
      return undefined;
    }
  }

  /** The heal's outcome on the drift event the check recorded. */
  private async recordHeal(key: EnvironmentRequest, answer: DriftAnswer, heal: DriftHeal): Promise<void> {
    if (answer.event === undefined) return;
    await this.deps.store.driftEvents
      .setHeal(key, answer.event, heal)
      .catch((error: unknown) => this.deps.logger.log("error", "drift event update failed", { error }));
  }

  private async audit(
    key: EnvironmentRequest,
    command: string,
    outcome: "ok" | "failed" | "started",
    details: Record<string, unknown>,
  ): Promise<void> {
    await this.deps.store
      .appendAudit({ actor: DRIFT_ACTOR, command, target: `${key.app}/${key.environment}`, outcome, details })
      .catch((error: unknown) => this.deps.logger.log("error", "drift audit record failed", { error }));
  }
}
