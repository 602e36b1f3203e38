/**
 * Step events: append-only, numbered 1, 2, 3... per deployment. The seq counter
 * lives on the deployment row, so an append is one UPDATE ... RETURNING plus one
 * multi-row INSERT in a single transaction, durable when it returns.
 */
import { NotFoundError } from "../core/errors.js";
import { type CommitNotice, notifyCommitted } from "./commit-feed.js";
import type { StoreContext } from "./context.js";
import type { StepEventsTable } from "./db-schema.js";
import { redactSecrets, redactText } from "./redact.js";
import type { StepEvent, StepEventInput } from "./types.js";

/** Rows per INSERT: 7 parameters each stays far below every dialect's parameter limit. */
const CHUNK = 500;

export async function appendEvents(
  ctx: StoreContext,
  events: readonly StepEventInput[],
): Promise<StepEvent[]> {
  if (events.length === 0) return [];
  const now = ctx.clock();
  const groups = new Map<string, { index: number; event: StepEventInput }[]>();
  events.forEach((event, index) => {
    const list = groups.get(event.deploymentId) ?? [];
    list.push({ index, event });
    groups.set(event.deploymentId, list);
  });
  const rows = new Array<StepEventsTable>(events.length);
  await ctx.backend.writeTx(undefined, async (trx) => {
    const notices: CommitNotice[] = [];
    // Sorted ids: concurrent batches lock deployment rows in one order (no deadlock on Postgres).
    for (const [id, list] of [...groups].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const counter = await trx
        .updateTable("deployments")
        .set((eb) => ({ last_seq: eb("last_seq", "+", list.length) }))
        .where("id", "=", id)
        .returning("last_seq")
        .executeTakeFirst();
      if (counter === undefined) {
        throw new NotFoundError(`no deployment ${id}`, {
          hint: "startDeployment before appending its events",
        });
      }
      notices.push({ deploymentId: id, seq: counter.last_seq, finished: false });
      const first = counter.last_seq - list.length + 1;
      const batch = list.map(({ index, event }, i) => {
        const row = toRow(event, first + i, now);
        rows[index] = row;
        return row;
      });
      for (let start = 0; start < batch.length; start += CHUNK) {
        await trx
          .insertInto("step_events")
          .values(batch.slice(start, start + CHUNK))
          .execute();
      }
    }
    // One notice per deployment per transaction, sent by the commit itself (other servers follow through it).
    await notifyCommitted(trx, ctx.backend.dialect, notices);
  });
  return rows.map(toEvent);
}

function toRow(event: StepEventInput, seq: number, now: Date): StepEventsTable {
  return {
    deployment_id: event.deploymentId,
    seq,
    at: (event.at ?? now).toISOString(),
    type: event.type,
    step: event.step ?? null,
    message: event.message === undefined ? null : redactText(event.message),
    data_json: event.data === undefined ? null : JSON.stringify(redactSecrets(event.data)),
  };
}

export async function listEvents(
  ctx: StoreContext,
  deploymentId: string,
  afterSeq = 0,
): Promise<StepEvent[]> {
  const rows = await ctx.backend.db
    .selectFrom("step_events")
    .selectAll()
    .where("deployment_id", "=", deploymentId)
    .where("seq", ">", afterSeq)
    .orderBy("seq", "asc")
    .execute();
  return rows.map(toEvent);
}

function toEvent(row: StepEventsTable): StepEvent {
  return {
    deploymentId: row.deployment_id,
    seq: row.seq,
    type: row.type,
    step: row.step ?? undefined,
    message: row.message ?? undefined,
    data: row.data_json === null ? undefined : JSON.parse(row.data_json),
    at: row.at,
  };
}
