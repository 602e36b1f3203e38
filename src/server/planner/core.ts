/** The planning itself, the same in a worker thread and in-process. Pure. */

import { render } from "../../render/index.js";
import type { RenderOptions } from "../../render/types.js";
import { planToJson, reviewPlan } from "../../review/index.js";
import type { DeploymentSpec } from "../../spec/schema.js";
import type { PolicySettings } from "../context.js";
import type { Planner } from "./types.js";

export interface PlannerCore {
  review(spec: DeploymentSpec, current: DeploymentSpec | undefined): ReturnType<typeof planToJson>;
  render(spec: DeploymentSpec, secrets: Readonly<Record<string, string>>): ReturnType<typeof render>;
}

export function plannerCore(policy: PolicySettings, renderOptions: RenderOptions): PlannerCore {
  return {
    review: (spec, current) =>
      planToJson(
        reviewPlan(spec, {
          ...(current ? { current } : {}),
          ...(policy.rules ? { rules: policy.rules } : {}),
          ...(policy.disabledRules ? { disabledRules: policy.disabledRules } : {}),
          ...(policy.severityOverrides ? { severityOverrides: policy.severityOverrides } : {}),
          render: renderOptions,
        }),
      ),
    render: (spec, secrets) => render(spec, { ...renderOptions, secrets }),
  };
}

/** On the event loop: for settings that cannot cross to a worker (rule objects, a credentials function). */
export function inProcessPlanner(policy: PolicySettings, renderOptions: RenderOptions): Planner {
  const core = plannerCore(policy, renderOptions);
  return {
    review: async (spec, current) => core.review(spec, current),
    render: async (spec, secrets) => core.render(spec, secrets),
    close: async () => {},
  };
}
