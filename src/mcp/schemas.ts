/**
 * Tool arguments and answers as zod schemas (the SDK lists them as JSON
 * Schema). Objects are strict: an argument a tool does not know ("acceptRisk",
 * "skipPolicy") is refused, not ignored. Descriptions are short on purpose:
 * the whole tool list is sent to the model on every turn.
 */
import { z } from "zod";
import { TARGETS } from "../spec/targets.js";

const name = z.string().min(1).max(63);
export const app = name.describe("app name");
export const environment = name.describe("environment name");
export const detail = z.enum(["summary", "full"]).optional().describe("default summary");

/** What to deploy: words or a spec document (the service validates it). */
export const specInput = {
  text: z.string().min(1).max(10_000).optional().describe("what to deploy, in words"),
  spec: z
    .record(z.string(), z.unknown())
    .optional()
    .describe("a DeploymentSpec (resource codeploy://schema/deployment-spec)"),
  base: z.record(z.string(), z.unknown()).optional().describe("a spec the words amend"),
  target: z.enum(TARGETS).optional().describe("retarget the spec"),
  provider: z.string().min(1).max(32).optional().describe("deploy with this provider"),
  acceptAssumptions: z.boolean().optional().describe("the person accepted the plan's open questions"),
};

export const planId = z.string().min(1).max(200).describe("from plan, after the person saw that plan");
export const confirm = z
  .string()
  .max(63)
  .optional()
  .describe("production and destroy: the app's name, typed by the person");

const counts = z.object({ create: z.number(), update: z.number(), delete: z.number(), noop: z.number() });

export const planOutput = z.looseObject({
  planId: z.string(),
  action: z.enum(["apply", "rollback", "destroy"]),
  app: z.string(),
  environment: z.string(),
  approved: z.boolean(),
  counts,
  changes: z.array(z.string()),
  confirm: z.string().optional(),
});

export const deploymentOutput = z.looseObject({
  id: z.string(),
  action: z.string(),
  revision: z.number(),
  outcome: z.string(),
});

export const changeOutput = z.looseObject({
  app: z.string(),
  environment: z.string(),
  changed: z.boolean(),
  deployment: deploymentOutput.optional(),
  endpoints: z.array(z.string()).optional(),
});

export const interpretOutput = z.looseObject({
  action: z.string(),
  app: z.string(),
  environment: z.string(),
  outline: z.string(),
  assumptions: z.array(z.string()),
  questions: z.array(z.string()),
});

export const statusOutput = z.object({ environments: z.array(z.looseObject({ app: z.string() })) });
export const historyOutput = z.object({
  deployments: z.array(deploymentOutput),
  revisions: z.array(z.looseObject({ number: z.number() })),
});
export const logsOutput = z.object({ sources: z.number(), lines: z.array(z.string()) });
export const auditOutput = z.looseObject({ ok: z.boolean(), count: z.number() });
export const driftOutput = z.looseObject({
  drifted: z.boolean(),
  revision: z.number(),
  resources: z.number(),
  items: z.array(z.looseObject({ kind: z.string(), name: z.string(), change: z.string(), path: z.string() })),
  ignored: z.number(),
});
