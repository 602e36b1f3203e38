import { keyName, type StoreContext } from "./context.js";
import type { RevisionsTable } from "./db-schema.js";
import { redactSecrets, redactText } from "./redact.js";
import type { EnvironmentKey, Revision, RevisionInput } from "./types.js";

export async function createRevision(ctx: StoreContext, input: RevisionInput): Promise<Revision> {
  // Secrets never reach the database: see redact.ts.
  const specJson = JSON.stringify(redactSecrets(input.spec) ?? null);
  const row = await ctx.backend.writeTx(keyName("env", input), async (trx) => {
    const last = await trx
      .selectFrom("revisions")
      .select((eb) => eb.fn.max("number").as("n"))
      .where("app", "=", input.app)
      .where("environment", "=", input.environment)
      .executeTakeFirst();
    const row: RevisionsTable = {
      app: input.app,
      environment: input.environment,
      number: Number(last?.n ?? 0) + 1,
      spec_json: specJson,
      request: input.request === undefined ? null : redactText(input.request),
      interpreter: input.interpreter ?? null,
      interpret_usage_json: input.interpretUsage === undefined ? null : JSON.stringify(input.interpretUsage),
      artifact_hashes_json: JSON.stringify(input.artifactHashes ?? {}),
      actor: input.actor,
      created_at: ctx.clock().toISOString(),
      ...(input.sourceCommit !== undefined ? { source_commit: input.sourceCommit } : {}),
    };
    await trx.insertInto("revisions").values(row).execute();
    return row;
  });
  return toRevision(row);
}

export async function getRevision(
  ctx: StoreContext,
  key: EnvironmentKey,
  number: number,
): Promise<Revision | undefined> {
  const row = await ctx.backend.db
    .selectFrom("revisions")
    .selectAll()
    .where("app", "=", key.app)
    .where("environment", "=", key.environment)
    .where("number", "=", number)
    .executeTakeFirst();
  return row === undefined ? undefined : toRevision(row);
}

/** Records the Git commit that holds a revision (gitops); false when there is no such revision. */
export async function setRevisionCommit(
  ctx: StoreContext,
  key: EnvironmentKey,
  number: number,
  commit: string,
): Promise<boolean> {
  const result = await ctx.backend.writeTx(keyName("env", key), (trx) =>
    trx
      .updateTable("revisions")
      .set({ git_commit: commit })
      .where("app", "=", key.app)
      .where("environment", "=", key.environment)
      .where("number", "=", number)
      .executeTakeFirst(),
  );
  return Number(result.numUpdatedRows) > 0;
}

/** Oldest first. */
export async function listRevisions(ctx: StoreContext, key: EnvironmentKey): Promise<Revision[]> {
  const rows = await ctx.backend.db
    .selectFrom("revisions")
    .selectAll()
    .where("app", "=", key.app)
    .where("environment", "=", key.environment)
    .orderBy("number", "asc")
    .execute();
  return rows.map(toRevision);
}

function toRevision(row: RevisionsTable): Revision {
  return {
    app: row.app,
    environment: row.environment,
    number: row.number,
    spec: JSON.parse(row.spec_json),
    request: row.request ?? undefined,
    interpreter: row.interpreter ?? undefined,
    interpretUsage: row.interpret_usage_json === null ? undefined : JSON.parse(row.interpret_usage_json),
    artifactHashes: JSON.parse(row.artifact_hashes_json),
    actor: row.actor,
    createdAt: row.created_at,
    commit: row.git_commit ?? undefined,
    sourceCommit: row.source_commit ?? undefined,
  };
}
