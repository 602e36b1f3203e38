/**
 * Consultations of the Circle of Experts and the LLM response cache. The
 * store keeps each consultation as one JSON document (the experts module owns
 * its shape) with the columns history needs; the cache is key -> JSON.
 */
import { NotFoundError } from "../core/errors.js";
import type { Db } from "./backend.js";
import type { StoreContext } from "./context.js";

export interface StoredConsultation {
  readonly id: string;
  readonly createdAt: string;
  readonly question: string;
  readonly totalUsd: number;
  /** The whole consultation as the experts module wrote it. */
  readonly record: unknown;
}

export interface ConsultationStore {
  save(consultation: StoredConsultation): Promise<void>;
  /** Newest first. @default limit 50 */
  list(options?: { limit?: number }): Promise<StoredConsultation[]>;
  /** Throws NotFoundError for an unknown id; a unique prefix of the id is enough. */
  get(id: string): Promise<StoredConsultation>;
  cacheGet(key: string): Promise<unknown>;
  cacheSet(key: string, value: unknown): Promise<void>;
}

interface ConsultationsTable {
  id: string;
  created_at: string;
  question: string;
  total_usd: number;
  record_json: string;
}

interface LlmCacheTable {
  key: string;
  value_json: string;
  created_at: string;
}

/** The tables come with migration 0003; the shared schema type does not know them. */
function tables(db: Db) {
  return db.withTables<{ consultations: ConsultationsTable; llm_cache: LlmCacheTable }>();
}

function fromRow(row: ConsultationsTable): StoredConsultation {
  return {
    id: row.id,
    createdAt: row.created_at,
    question: row.question,
    totalUsd: Number(row.total_usd),
    record: JSON.parse(row.record_json) as unknown,
  };
}

export function createConsultationStore(ctx: StoreContext): ConsultationStore {
  const db = tables(ctx.backend.db);
  return {
    async save(c) {
      await db
        .insertInto("consultations")
        .values({
          id: c.id,
          created_at: c.createdAt,
          question: c.question,
          total_usd: c.totalUsd,
          record_json: JSON.stringify(c.record),
        })
        .execute();
    },
    async list(options = {}) {
      const rows = await db
        .selectFrom("consultations")
        .selectAll()
        .orderBy("created_at", "desc")
        .orderBy("id", "desc")
        .limit(options.limit ?? 50)
        .execute();
      return rows.map(fromRow);
    },
    async get(id) {
      const rows = await db
        .selectFrom("consultations")
        .selectAll()
        .where("id", "like", `${id.replace(/[%_\\]/g, "")}%`)
        .limit(2)
        .execute();
      const [row, other] = rows;
      if (!row || other || id.length < 4)
        throw new NotFoundError(other ? `several consultations start with ${id}` : `no consultation ${id}`, {
          hint: "see the ids with `codeploy experts history`",
        });
      return fromRow(row);
    },
    async cacheGet(key) {
      const row = await db
        .selectFrom("llm_cache")
        .select("value_json")
        .where("key", "=", key)
        .executeTakeFirst();
      return row === undefined ? undefined : (JSON.parse(row.value_json) as unknown);
    },
    async cacheSet(key, value) {
      const value_json = JSON.stringify(value);
      await db
        .insertInto("llm_cache")
        .values({ key, value_json, created_at: ctx.clock().toISOString() })
        .onConflict((oc) => oc.column("key").doUpdateSet({ value_json }))
        .execute();
    },
  };
}
