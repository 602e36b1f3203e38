/**
 * API keys for the server: `cdp_<id>_<secret>`, shown once when created. Only
 * the sha256 of the whole key is stored, so a copy of the database grants
 * nothing; the id (also in the key) finds the row without scanning, and the
 * hash is compared in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { CodeError, NotFoundError } from "../core/errors.js";
import type { Db } from "./backend.js";
import type { StoreContext } from "./context.js";
import { StateStoreError } from "./errors.js";

export const API_KEY_ROLES = ["viewer", "deployer", "admin"] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];
export type ApiKeyState = "active" | "expired" | "revoked";

export interface ApiKeyInput {
  /** Shown in audit records as the actor; unique among keys that are not revoked. */
  readonly name: string;
  readonly role: ApiKeyRole;
  /** Environments the key may act on; empty means all (production stays admin-only). @default [] */
  readonly environments?: readonly string[];
  /** @default never */
  readonly expiresAt?: Date;
  readonly createdBy: string;
}

export interface ApiKey {
  readonly id: string;
  readonly name: string;
  readonly role: ApiKeyRole;
  readonly environments: readonly string[];
  readonly createdAt: string;
  readonly createdBy: string;
  readonly expiresAt: string | undefined;
  readonly revokedAt: string | undefined;
  readonly state: ApiKeyState;
}

export interface CreatedApiKey {
  readonly apiKey: ApiKey;
  /** The full key: printed once, never stored. */
  readonly token: string;
}

export interface ApiKeyStore {
  create(input: ApiKeyInput): Promise<CreatedApiKey>;
  /** Newest first, revoked and expired ones included. */
  list(): Promise<ApiKey[]>;
  get(id: string): Promise<ApiKey | undefined>;
  /** Throws NotFoundError for an unknown id; revoking twice keeps the first time. */
  revoke(id: string): Promise<ApiKey>;
  /** Sets (or moves) the expiry; `at` defaults to now, which expires the key at once. */
  expire(id: string, at?: Date): Promise<ApiKey>;
  /** The key a presented token belongs to when it is active now; undefined otherwise. */
  verify(token: string): Promise<ApiKey | undefined>;
}

interface ApiKeysTable {
  id: string;
  name: string;
  role: string;
  environments_json: string;
  hash: string;
  created_at: string;
  created_by: string;
  expires_at: string | null;
  revoked_at: string | null;
}

type KeysDb = ReturnType<typeof keysDb>;

/** The table is added by migration 0002; the shared schema type does not know it. */
function keysDb(db: Db) {
  return db.withTables<{ api_keys: ApiKeysTable }>();
}

const TOKEN = /^cdp_([a-z0-9]{12})_([a-f0-9]{64})$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

export function hashApiKey(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** The id part of a well-formed key, else undefined (no database read for garbage). */
export function apiKeyId(token: string): string | undefined {
  return TOKEN.exec(token)?.[1];
}

function newId(): string {
  // 12 base-36 characters from 8 random bytes: short enough to type, no "_" inside.
  return BigInt(`0x${randomBytes(8).toString("hex")}`)
    .toString(36)
    .padStart(12, "0")
    .slice(-12);
}

export function createApiKeyStore(ctx: StoreContext): ApiKeyStore {
  const db = keysDb(ctx.backend.db);
  const now = () => ctx.clock();
  const get = async (id: string) => {
    const row = await db.selectFrom("api_keys").selectAll().where("id", "=", id).executeTakeFirst();
    return row === undefined ? undefined : toApiKey(row, now());
  };
  const mustGet = async (id: string) => {
    const key = await get(id);
    if (key === undefined)
      throw new NotFoundError(`no API key ${id}`, { hint: "list the keys with `codeploy keys list`" });
    return key;
  };
  return {
    create: (input) => createKey(ctx, input),
    async list() {
      const rows = await db.selectFrom("api_keys").selectAll().orderBy("created_at", "desc").execute();
      return rows.map((r) => toApiKey(r, now()));
    },
    get,
    async revoke(id) {
      await mustGet(id);
      await ctx.backend.writeTx(undefined, (trx) =>
        keysDb(trx)
          .updateTable("api_keys")
          .set({ revoked_at: now().toISOString() })
          .where("id", "=", id)
          .where("revoked_at", "is", null)
          .execute(),
      );
      return mustGet(id);
    },
    async expire(id, at) {
      await mustGet(id);
      const when = (at ?? now()).toISOString();
      await ctx.backend.writeTx(undefined, (trx) =>
        keysDb(trx).updateTable("api_keys").set({ expires_at: when }).where("id", "=", id).execute(),
      );
      return mustGet(id);
    },
    verify: (token) => verifyKey(db, token, now()),
  };
}

async function createKey(ctx: StoreContext, input: ApiKeyInput): Promise<CreatedApiKey> {
  checkInput(input);
  const id = newId();
  const token = `cdp_${id}_${randomBytes(32).toString("hex")}`;
  const row: ApiKeysTable = {
    id,
    name: input.name,
    role: input.role,
    environments_json: JSON.stringify([...new Set(input.environments ?? [])].sort()),
    hash: hashApiKey(token),
    created_at: ctx.clock().toISOString(),
    created_by: input.createdBy,
    expires_at: input.expiresAt?.toISOString() ?? null,
    revoked_at: null,
  };
  await ctx.backend.writeTx("api-keys", async (trx) => {
    const kdb = keysDb(trx);
    const clash = await kdb
      .selectFrom("api_keys")
      .select("id")
      .where("name", "=", input.name)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    if (clash !== undefined) {
      throw new CodeError("KEY_EXISTS", `an API key named "${input.name}" already exists (${clash.id})`, {
        hint: "pick another name, or revoke the old key first",
      });
    }
    await kdb.insertInto("api_keys").values(row).execute();
  });
  return { apiKey: toApiKey(row, ctx.clock()), token };
}

function checkInput(input: ApiKeyInput): void {
  if (!NAME.test(input.name)) {
    throw new CodeError("KEY_INVALID", `invalid key name "${input.name}"`, {
      hint: "use 1-64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit",
    });
  }
  if (!API_KEY_ROLES.includes(input.role)) {
    throw new CodeError("KEY_INVALID", `invalid role "${String(input.role)}"`, {
      hint: `one of: ${API_KEY_ROLES.join(", ")}`,
    });
  }
}

async function verifyKey(db: KeysDb, token: string, now: Date): Promise<ApiKey | undefined> {
  const id = apiKeyId(token);
  if (id === undefined) return undefined;
  const row = await db.selectFrom("api_keys").selectAll().where("id", "=", id).executeTakeFirst();
  if (row === undefined) return undefined;
  const presented = Buffer.from(hashApiKey(token), "hex");
  const stored = Buffer.from(row.hash, "hex");
  if (presented.length !== stored.length || !timingSafeEqual(presented, stored)) return undefined;
  const key = toApiKey(row, now);
  return key.state === "active" ? key : undefined;
}

function toApiKey(row: ApiKeysTable, now: Date): ApiKey {
  const role = API_KEY_ROLES.find((r) => r === row.role);
  if (role === undefined) {
    throw new StateStoreError(`unknown API key role "${row.role}" in the state database`, {
      hint: "the database was written by a newer codeploy version; upgrade",
    });
  }
  const environments: unknown = JSON.parse(row.environments_json);
  const state: ApiKeyState =
    row.revoked_at !== null
      ? "revoked"
      : row.expires_at !== null && row.expires_at <= now.toISOString()
        ? "expired"
        : "active";
  return {
    id: row.id,
    name: row.name,
    role,
    environments: Array.isArray(environments) ? environments.map(String) : [],
    createdAt: row.created_at,
    createdBy: row.created_by,
    expiresAt: row.expires_at ?? undefined,
    revokedAt: row.revoked_at ?? undefined,
    state,
  };
}
