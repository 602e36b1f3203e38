/** The audit log and the API keys, on this process's store. */
import { CodeError } from "../core/errors.js";
import { formatHead, parseHead } from "../state/audit-key.js";
import type { StateStore } from "../state/types.js";
import type { AuditService, Caller, KeyService, KeyView } from "./types.js";

const DAY_MS = 86_400_000;

export function localAudit(store: StateStore, caller: Caller): AuditService {
  return {
    async verify(options = {}) {
      caller.authorize("read");
      // Parsed before the store is read: a mistyped head is a usage error, not a verdict.
      const head = options.head !== undefined ? parseHead(options.head) : undefined;
      return store.verifyAudit(head ? { head } : {});
    },
    async head() {
      caller.authorize("audit");
      const head = await store.auditHead();
      return head === undefined ? undefined : { ...head, head: formatHead(head) };
    },
    async list(options = {}) {
      caller.authorize("audit");
      return store.listAudit({ newestFirst: true, limit: options.limit ?? 50 });
    },
  };
}

/** Keys on the store; with `record`, each change is audited here under the caller. */
export function localKeys(store: StateStore, caller: Caller, record: boolean): KeyService {
  const audit = async (command: string, key: KeyView, details: Record<string, unknown>) => {
    if (record)
      await store.appendAudit({
        actor: caller.actor,
        command,
        target: `key:${key.name}`,
        outcome: "ok",
        details,
      });
  };
  return {
    async create(r) {
      caller.authorize("keys");
      if (r.expiresInDays !== undefined && !(Number.isInteger(r.expiresInDays) && r.expiresInDays >= 1))
        throw new CodeError("USAGE", "expiresInDays must be a whole number of days >= 1");
      const created = await store.apiKeys.create({
        name: r.name,
        role: r.role,
        environments: r.environments,
        ...(r.expiresInDays ? { expiresAt: new Date(Date.now() + r.expiresInDays * DAY_MS) } : {}),
        createdBy: caller.actor,
      });
      const { apiKey } = created;
      await audit("keys.create", apiKey, {
        keyId: apiKey.id,
        role: apiKey.role,
        environments: apiKey.environments,
      });
      return created;
    },
    async list() {
      caller.authorize("keys");
      return store.apiKeys.list();
    },
    async revoke(id) {
      caller.authorize("keys");
      const key = await store.apiKeys.revoke(id);
      await audit("keys.revoke", key, { keyId: key.id });
      return key;
    },
    async expire(id, at) {
      caller.authorize("keys");
      const key = await store.apiKeys.expire(id, at);
      await audit("keys.expire", key, { keyId: key.id, expiresAt: key.expiresAt });
      return key;
    },
  };
}
