/**
 * After an apply or rollback succeeded: its revision written to the GitOps
 * repository (gitops.repo) and the commit recorded with the revision. A Git
 * failure never fails nor rolls back what was deployed: it becomes a warning
 * on the deployment's events and in the audit log, with how to push again.
 */
import type { DeployOutcome } from "../engine/deploy.js";
import { type GitopsTarget, redactedValues, redactUrl, repushHint, writeRevision } from "../gitops/index.js";
import type { DeploymentSpec } from "../spec/schema.js";
import { type SecretAccess, scopedSecretValues } from "../spec/secret-scope.js";
import type { StateStore } from "../state/types.js";

export interface GitopsRecording {
  readonly store: StateStore;
  readonly target: GitopsTarget | undefined;
  readonly secrets: SecretAccess;
  /** The spec as asked, before the store redacted it: what redaction took out is never committed. */
  readonly asked?: DeploymentSpec;
  /** Told the commit, or the warning. */
  readonly onNote?: ((note: string) => void) | undefined;
}

/** Resolves with the commit id, or undefined (no gitops, not succeeded, or a warning recorded). */
export async function recordInGit(
  ctx: GitopsRecording,
  outcome: DeployOutcome,
  action: "apply" | "rollback",
): Promise<string | undefined> {
  const { target, store } = ctx;
  const { deployment, revision } = outcome;
  if (target === undefined || deployment.outcome !== "succeeded") return undefined;
  const key = { app: deployment.app, environment: deployment.environment };
  try {
    const spec = revision.spec as DeploymentSpec;
    const withheld = [
      ...(ctx.asked ? redactedValues(ctx.asked, revision.spec) : []),
      ...Object.values(scopedSecretValues(ctx.asked ?? spec, ctx.secrets)),
    ];
    const written = await writeRevision(target, {
      ...key,
      revision: revision.number,
      action,
      deployment: deployment.id,
      actor: deployment.actor,
      request: revision.request,
      spec: revision.spec,
      artifacts: outcome.artifacts,
      steps: outcome.plan.steps,
      monthlyUsd: await monthlyUsd(ctx.asked ?? spec),
      withheld,
    });
    await store.setRevisionCommit(key, revision.number, written.commit);
    await store.appendEvent({
      deploymentId: deployment.id,
      type: "gitops.committed",
      message: `revision ${revision.number} is commit ${written.commit} on ${written.branch}`,
      data: { commit: written.commit, branch: written.branch },
    });
    ctx.onNote?.(`revision ${revision.number} committed to ${redactUrl(target.repo.url)}: ${written.commit}`);
    return written.commit;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const hint = repushHint(target);
    ctx.onNote?.(`warning: the deployment succeeded but writing it to Git failed: ${message}\n  ${hint}`);
    // Best effort: the deployment stands whatever happens to these records.
    await Promise.allSettled([
      store.appendEvent({
        deploymentId: deployment.id,
        type: "gitops.failed",
        message,
        data: { revision: revision.number, hint },
      }),
      store.appendAudit({
        actor: deployment.actor,
        command: "gitops",
        target: `${key.app}/${key.environment}`,
        outcome: "failed",
        details: { deployment: deployment.id, revision: revision.number, error: message, hint },
      }),
    ]);
    return undefined;
  }
}

/** The estimate, loaded only when a revision is written: `status` and `history` never load the price catalog. */
async function monthlyUsd(spec: DeploymentSpec): Promise<number | undefined> {
  try {
    const { estimateCost } = await import("../cost/index.js");
    return estimateCost(spec).monthlyUsd;
  } catch {
    return undefined;
  }
}
