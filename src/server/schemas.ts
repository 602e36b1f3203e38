/**
 * Request and response shapes of the API, as zod schemas: the same objects
 * validate requests and generate /openapi.json. The DeploymentSpec is the
 * project's own input schema (spec/schema.ts), not a copy.
 */
import { z } from "@hono/zod-openapi";
import { ACTIONS, deploymentSpecInput, TARGETS } from "../spec/schema.js";
import { API_KEY_ROLES } from "../state/keys.js";
import { ENVIRONMENT_STATES } from "../state/status-page.js";

// zod's own metadata, not .openapi(): the spec schema may be built before @hono/zod-openapi extends zod.
export const specSchema = deploymentSpecInput.meta({ id: "DeploymentSpec" });

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "FORBIDDEN" }),
      message: z.string(),
      hint: z.string().optional(),
      details: z.unknown().optional(),
    }),
  })
  .openapi("Error");

const words = z.string().trim().min(1, "must not be empty").max(10_000);

export const interpretBody = z
  .strictObject({
    text: words.openapi({ example: "deploy the shop with postgres 16 to staging" }),
    base: specSchema.optional(),
  })
  .openapi("InterpretRequest");

export const interpretUsageSchema = z
  .object({
    model: z.string().openapi({ example: "anthropic/claude-sonnet-4-5" }),
    calls: z.number().int().openapi({ description: "1 + repair rounds" }),
    inputTokens: z.number().int(),
    outputTokens: z.number().int(),
    costUsd: z
      .number()
      .optional()
      .openapi({ description: "absent when the model is not in the price table" }),
  })
  .openapi("InterpretUsage");

export const interpretResult = z
  .object({
    action: z.enum(ACTIONS),
    spec: specSchema,
    assumptions: z.array(z.string()),
    questions: z.array(z.string()),
    interpreter: z.string().openapi({ description: '"rules", or "llm:<provider>/<model>"' }),
    usage: interpretUsageSchema.optional().openapi({ description: "set when a model was asked" }),
  })
  .openapi("InterpretResult");

const specOrText = {
  spec: specSchema.optional(),
  text: words.optional(),
  base: specSchema.optional().openapi({ description: "with text: the spec the words amend" }),
  target: z.enum(TARGETS).optional(),
  acceptRisk: z.boolean().optional().openapi({ description: "go on although policy reports errors" }),
};

const oneOfSpecText = (b: { spec?: unknown; text?: string | undefined }) =>
  (b.spec === undefined) !== (b.text === undefined);
const oneOfMessage = { message: "give exactly one of spec or text", path: ["spec"] };

const provider = z.string().min(1).optional().openapi({
  description: "only providers listed in server.requestProviders are accepted",
});

export const planBody = z
  .strictObject({
    ...specOrText,
    provider,
    gate: z.boolean().optional().openapi({
      description:
        "the plan is for a deployment: words that ask for another action, or leave questions open without acceptAssumptions, are refused (INTENT_REFUSED)",
    }),
    acceptAssumptions: z.boolean().optional(),
  })
  .refine(oneOfSpecText, oneOfMessage)
  .openapi("PlanRequest");

/**
 * The plan check (service/plan-id.ts): the change runs only while the planId still names it and
 * what runs, checked again once the run holds the environment's lock.
 */
export function planIdField(action: string, from: string) {
  return z
    .string()
    .min(1)
    .max(200)
    .optional()
    .openapi({
      description: `${from}: the ${action} runs only if it is still exactly the change reviewed and nothing was deployed since (else 409 PLAN_MISMATCH or PLAN_STALE; checked again under the environment's lock)`,
      example: `${action}.3f1c2a9b8d7e6f50.9a8b7c6d5e4f3a21`,
    });
}

export const deployBody = z
  .strictObject({
    ...specOrText,
    origin: z.string().min(1).max(2000).optional().openapi({
      description:
        "with spec: where it came from, recorded as the revision's request (codeploy sync: `sync <repo>@<commit>:<file>`)",
    }),
    commit: z
      .string()
      .regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/, "a full Git commit id (40 or 64 hex digits)")
      .optional()
      .openapi({ description: "with spec: the Git commit it was read from (sync), kept with the revision" }),
    onFailure: z.enum(["rollback", "stop"]).optional(),
    adopt: z.boolean().optional().openapi({
      description:
        "take over existing objects that carry another owner's labels or none (admin only); without it they are refused with OWNERSHIP_CONFLICT",
    }),
    provider,
    parallelism: z.number().int().min(1).optional().openapi({
      description: "steps run at once; may lower the server's setting, never raise it",
    }),
    stepTimeoutSeconds: z.number().int().min(1).optional().openapi({
      description: "deadline of each step attempt; may lower the server's setting, never raise it",
    }),
    acceptAssumptions: z.boolean().optional().openapi({
      description: "deploy words even when the interpreter left questions open (refused with 422 otherwise)",
    }),
    planId: planIdField("apply", "the `planId` of `POST /v1/plan` for this spec"),
  })
  .refine(oneOfSpecText, oneOfMessage)
  .openapi("DeployRequest");

const step = z.object({
  id: z.string(),
  kind: z.string(),
  action: z.enum(["create", "update", "delete", "noop"]),
  dependsOn: z.array(z.string()),
  description: z.string(),
});

const finding = z.object({
  id: z.string(),
  severity: z.enum(["error", "warning", "info"]),
  message: z.string(),
  path: z.string(),
  hint: z.string(),
});

export const planResult = z
  .object({
    app: z.string(),
    environment: z.string(),
    target: z.enum(TARGETS),
    approved: z.boolean(),
    steps: z.array(step),
    levels: z.array(z.array(z.string()).readonly()).readonly(),
    cost: z.object({
      monthlyUsd: z.number(),
      currency: z.string(),
      items: z.array(z.object({ component: z.string(), description: z.string(), monthlyUsd: z.number() })),
      assumptions: z.array(z.string()),
    }),
    findings: z.array(finding).readonly(),
    artifacts: z.array(z.string()),
    spec: specSchema.openapi({ description: "the spec planned (interpreted from the words, retargeted)" }),
    request: z.string().optional(),
    interpreter: z.string().optional(),
    usage: interpretUsageSchema.optional(),
    assumptions: z.array(z.string()).optional(),
    questions: z.array(z.string()).optional(),
    planId: z.string().optional().openapi({
      description:
        "names this plan against what runs now: send it as `planId` of POST /v1/deployments to deploy exactly this plan",
    }),
  })
  .openapi("PlanResult");

const outcome = z.enum(["succeeded", "failed", "cancelled", "rolled-back"]);
const queuedStates = z.enum(["queued", "refused", "unchanged"]);

/** A deployment submitted to the queue (API servers and workers on Postgres). */
export const queueSchema = z
  .object({
    state: z.enum(["queued", "claimed", "done", "unchanged", "refused", "interrupted", "handed-back"]),
    attempt: z.number().int().min(1),
    retryOf: z.string().optional().openapi({ description: "the interrupted attempt this one retries" }),
    retriedAs: z
      .string()
      .optional()
      .openapi({ description: "the deployment that retries this interrupted or handed-back one" }),
    submittedAt: z.string(),
    error: z.string().optional(),
  })
  .openapi("QueuedJob");

export const deploymentSchema = z
  .object({
    id: z.string(),
    app: z.string(),
    environment: z.string(),
    number: z.number().int(),
    revision: z.number().int(),
    action: z.enum(["apply", "rollback", "destroy"]),
    actor: z.string(),
    startedAt: z.string(),
    finishedAt: z.string().optional(),
    outcome: outcome.optional(),
    error: z.string().optional(),
    state: z.union([z.enum(["running", "interrupted"]), outcome, queuedStates]).openapi({
      description:
        "queued, refused and unchanged only for a deployment submitted to the queue (role api) that has not started, or never will",
    }),
    eventCount: z.number().int(),
    queue: queueSchema.optional(),
  })
  .openapi("Deployment");

export const acceptedSchema = z
  .object({
    id: z.string(),
    app: z.string(),
    environment: z.string(),
    action: z.enum(["apply", "rollback", "destroy"]),
    revision: z.number().int().optional().openapi({ description: "absent while the deployment waits" }),
    queued: z.boolean().optional().openapi({
      description:
        "true: every slot (server.maxConcurrentDeployments) is busy, or (role api) it waits in the deployment queue for a worker; it starts in its turn",
    }),
    position: z.number().int().min(1).optional().openapi({ description: "place in the wait list, 1 = next" }),
    unchanged: z.boolean().optional().openapi({
      description: "true (200): what runs already matches the spec; id is the deployment that made it run",
    }),
    links: z.object({ self: z.string(), events: z.string() }),
  })
  .openapi("Accepted");

const lockSchema = z.object({
  actor: z.string(),
  acquiredAt: z.string(),
  expiresAt: z.string(),
  expired: z.boolean(),
  deploymentId: z.string().optional(),
});

export const appsResult = z
  .object({
    apps: z.array(
      z.object({
        app: z.string(),
        environments: z.array(
          z.object({
            environment: z.string(),
            currentRevision: z.number().int().optional(),
            state: z.string().optional(),
          }),
        ),
      }),
    ),
  })
  .openapi("Apps");

export const environmentResult = z
  .object({
    app: z.string(),
    environment: z.string(),
    currentRevision: z.number().int().optional(),
    latestRevision: z.number().int().optional(),
    lastDeployment: deploymentSchema.optional(),
    lock: lockSchema.optional(),
    queued: z.number().int().optional().openapi({
      description:
        "changes of it waiting in the deployment queue for a worker (role api); with no lastDeployment, its first one",
    }),
    endpoints: z.array(z.string()),
    outputs: z.record(z.string(), z.record(z.string(), z.string())),
    serviceEndpoints: z.record(z.string(), z.array(z.string())).optional(),
    workloads: z
      .array(
        z.object({
          kind: z.string(),
          name: z.string(),
          status: z.enum(["running", "stopped", "degraded", "missing"]),
          ready: z.number().int().optional(),
          desired: z.number().int().optional(),
        }),
      )
      .optional(),
    problems: z.array(z.string()).optional(),
    observeError: z.string().optional(),
  })
  .openapi("EnvironmentStatus");

export const statusQuery = z.object({
  app: z.string().min(1).optional(),
  env: z.string().min(1).optional(),
  live: z.enum(["true", "false"]).optional().openapi({
    description:
      "also ask the provider that deployed each environment what runs (endpoints, workloads, drift)",
  }),
});

export const statusResult = z.object({ environments: z.array(environmentResult) }).openapi("Status");

export const statusPageQuery = z.object({
  q: z.string().max(100).optional().openapi({ description: "a part of the app's name, case-insensitive" }),
  env: z.string().min(1).max(100).optional(),
  state: z.enum(ENVIRONMENT_STATES).optional().openapi({
    description:
      "the last deployment's state; queued: none yet, its first change waits in the deployment queue; or never deployed",
  }),
  sort: z
    .enum(["name", "recent"])
    .optional()
    .openapi({ description: "name (app, then environment; default) or recent (last deployment first)" }),
  offset: z.coerce.number().int().min(0).max(1_000_000_000).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional().openapi({ description: "default 25" }),
});

export const artifactsBody = z
  .union([
    z.strictObject({
      app: z.string().min(1),
      environment: z.string().min(1),
      revision: z.number().int().min(1).optional(),
    }),
    z.strictObject({ spec: z.record(z.string(), z.unknown()) }),
  ])
  .openapi("ArtifactsRequest");

export const artifactsResult = z
  .object({
    app: z.string(),
    environment: z.string(),
    revision: z.number().int().optional(),
    target: z.string().optional(),
    files: z.array(
      z.object({
        path: z.string(),
        content: z.string().optional(),
        withheld: z.string().optional().openapi({ description: "why the content is not shown" }),
      }),
    ),
  })
  .openapi("Artifacts");

export const statusPageResult = z
  .object({
    environments: z.array(environmentResult),
    total: z.number().int().openapi({ description: "rows matching the filters, over every page" }),
    offset: z.number().int(),
    limit: z.number().int(),
    environmentNames: z.array(z.string()).openapi({ description: "every environment the token may see" }),
  })
  .openapi("StatusPage");

export const historyResult = z
  .object({
    deployments: z.array(deploymentSchema),
    queued: z
      .array(
        z.object({
          id: z.string(),
          app: z.string(),
          environment: z.string(),
          action: z.enum(["apply", "rollback", "destroy"]),
          actor: z.string(),
          state: z.enum(["queued", "claimed"]),
          attempt: z.number().int(),
          submittedAt: z.string(),
          retryOf: z.string().optional(),
        }),
      )
      .optional()
      .openapi({ description: "deployments waiting for a worker (API servers and workers on Postgres)" }),
    revisions: z.array(
      z.object({
        number: z.number().int(),
        environment: z.string().optional(),
        actor: z.string(),
        createdAt: z.string(),
        request: z.string().optional(),
        interpreter: z.string().optional(),
        interpretUsage: interpretUsageSchema.optional(),
        commit: z
          .string()
          .optional()
          .openapi({ description: "the Git commit holding the revision (gitops.repo), once pushed" }),
        sourceCommit: z
          .string()
          .optional()
          .openapi({ description: "the Git commit the spec was read from (sync, serve's repository watch)" }),
      }),
    ),
  })
  .openapi("History");

export const rollbackBody = z
  .strictObject({
    revision: z.number().int().min(1).optional(),
    planId: planIdField("rollback", "the `planId` a rollback was shown with (CLI, MCP `plan`)"),
  })
  .openapi("RollbackRequest");

export const changePlanBody = z
  .strictObject({
    action: z.enum(["rollback", "destroy"]),
    revision: z.number().int().min(1).optional().openapi({
      description:
        "rollback: the revision to restore (default: the last good one that differs from what runs)",
    }),
  })
  .openapi("ChangePlanRequest");

export const changePlanResult = z
  .object({
    action: z.enum(["rollback", "destroy"]),
    app: z.string(),
    environment: z.string(),
    planId: z.string().openapi({
      description:
        "send it as `planId` of the rollback (body) or the destroy (`?planId=`) to run exactly this change",
    }),
    steps: z.array(step).openapi({ description: "destroy: what is removed; rollback: planned when it runs" }),
    changes: z
      .boolean()
      .openapi({ description: "false: nothing runs there (a destroy would change nothing)" }),
    confirm: z.object({ what: z.string(), typeToConfirm: z.string().optional() }),
  })
  .openapi("ChangePlan");

export const destroyQuery = z.object({
  planId: planIdField("destroy", "the `planId` a destroy was shown with (CLI, MCP `plan`)"),
});

const auditHeadSchema = z.object({ seq: z.number().int(), mac: z.string() });

export const auditVerifyResult = z
  .object({
    ok: z.boolean(),
    count: z.number().int(),
    /** Unkeyed records from before the audit key. */
    legacy: z.number().int().optional(),
    /** The last record (what GET /v1/audit/head gives). */
    head: auditHeadSchema.optional(),
    /** Whether the server's anchor (outside the database) was found and checked. */
    anchored: z.boolean().optional(),
    brokenAt: z.number().int().optional(),
    reason: z.string().optional(),
  })
  .openapi("AuditVerification");

export const unlockQuery = z.object({
  force: z
    .enum(["true", "false"])
    .optional()
    .openapi({ description: "free the lock even though its holder still runs (admins; audited)" }),
});

export const auditVerifyQuery = z.object({
  head: z
    .string()
    .regex(/^\d{1,15}:[0-9a-f]{64}$/, "<seq>:<64 hex digits>, as GET /v1/audit/head gives it")
    .optional()
    .openapi({ description: "a head stored elsewhere: that record must still be in the chain, unchanged" }),
});

export const auditHeadResult = z
  .object({ seq: z.number().int(), mac: z.string(), head: z.string() })
  .openapi("AuditHead");

export const auditListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).optional().openapi({ description: "default 50" }),
  /** Only records after this position in the chain (for paging forward). */
  after: z.coerce.number().int().min(0).optional(),
});

export const auditRecordSchema = z
  .object({
    seq: z.number().int(),
    at: z.string(),
    actor: z.string(),
    command: z.string(),
    target: z.string().optional(),
    outcome: z.enum(["ok", "refused", "failed", "started"]),
    details: z.unknown(),
    prevHash: z.string(),
    hash: z.string(),
  })
  .openapi("AuditRecord");

export const auditListResult = z.object({ records: z.array(auditRecordSchema) }).openapi("AuditRecords");

export const expireKeyBody = z
  .strictObject({
    at: z.iso.datetime({ offset: true }).optional().openapi({ description: "default: now" }),
  })
  .openapi("ExpireKeyRequest");

export const unlockResult = z
  .object({ freed: z.boolean(), lock: lockSchema.optional() })
  .openapi("UnlockResult");

const environmentName = z.string().regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, "must be kebab-case");

export const keyBody = z
  .strictObject({
    name: z.string().min(1).max(64),
    role: z.enum(API_KEY_ROLES),
    environments: z.array(environmentName).max(100).optional(),
    expiresInDays: z.number().int().min(1).max(3650).optional(),
  })
  .openapi("CreateKeyRequest");

export const apiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(API_KEY_ROLES),
    environments: z.array(z.string()).readonly(),
    createdAt: z.string(),
    createdBy: z.string(),
    expiresAt: z.string().optional(),
    revokedAt: z.string().optional(),
    state: z.enum(["active", "expired", "revoked"]),
  })
  .openapi("ApiKey");

export const keyCreated = z
  .object({
    key: z.string().openapi({ description: "shown once; only its hash is stored" }),
    apiKey: apiKeySchema,
  })
  .openapi("CreatedKey");

export const keysResult = z.object({ keys: z.array(apiKeySchema) }).openapi("ApiKeys");

export const idParam = z.object({ id: z.string().min(1).max(128) });
export const envParams = z.object({ app: z.string().min(1).max(63), env: z.string().min(1).max(63) });
export const keyIdParam = z.object({ keyId: z.string().min(1).max(64) });
