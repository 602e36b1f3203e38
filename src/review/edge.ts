/**
 * The review as the CLI and the server run it: the pure `reviewPlan`, then the
 * team's Rego policies evaluated by OPA over the result (a child process, so
 * it lives here at the edge and not in the pure core), merged in one order.
 */
import type { CommandRunner } from "../core/command-runner.js";
import { evaluateRego, type RegoSettings, regoInput } from "../policy/rego.js";
import type { DeploymentSpec } from "../spec/schema.js";
import { type ReviewedPlan, type ReviewOptions, reviewPlan, withFindings } from "./index.js";

export interface EdgeReviewOptions extends ReviewOptions {
  /** Rego policies; none by default. */
  readonly rego?: RegoSettings;
  readonly runner?: CommandRunner;
}

export async function reviewWithRego(
  spec: DeploymentSpec,
  options: EdgeReviewOptions = {},
): Promise<ReviewedPlan> {
  const { rego, runner, ...pure } = options;
  const review = reviewPlan(spec, pure);
  if (!rego || rego.files.length === 0) return review;
  const findings = await evaluateRego(regoInput(review.spec, review.artifacts), rego, runner);
  return withFindings(review, findings);
}
