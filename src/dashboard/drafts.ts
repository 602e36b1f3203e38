/**
 * The draft behind a reviewed plan (what the person typed, secret literals
 * included), kept on the server between the review page and the confirmation:
 * the page carries only a random id. Drafts are in the state database (every
 * API server on it can confirm), sealed with AES-256-GCM under a key derived
 * from the shared secret seed and bound to the id and the session's id hash,
 * so a database dump shows no literal and a row cannot move to another
 * session. Each expires, counts toward bounded caps, and is used once.
 */
import { hkdfSync, randomBytes } from "node:crypto";
import { z } from "zod";
import { CodeError } from "../core/errors.js";
import { DRAFT_BATCH, type DraftRowStore } from "../state/dashboard-drafts.js";
import { sessionIdHash } from "./session.js";
import { seal, unseal } from "./session-store.js";

/** What the person reviewed: their input, and the planId of the plan they saw. */
export interface Draft {
  readonly kind: "words" | "yaml";
  readonly text: string;
  readonly app: string;
  readonly environment: string;
  /** The reviewed plan's planId: the confirmation applies that plan or nothing. */
  readonly planId?: string | undefined;
}

export interface DraftLimits {
  /** How long a review can be confirmed. @default 30 minutes */
  readonly ttlMs?: number;
  /** @default 20: the session's oldest draft is dropped past it */
  readonly perSession?: number;
  /** @default 10 000: the oldest draft is dropped past it */
  readonly total?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

export interface DraftStore {
  /** Keeps the draft for this session; returns the opaque id the confirmation form carries. */
  save(sessionId: string, draft: Draft): Promise<string>;
  /** The session's draft; NOT_FOUND when unknown, used or another session's; DRAFT_EXPIRED when too old. */
  open(sessionId: string, id: string): Promise<Draft>;
  /** Uses the draft up; NOT_FOUND when it was used already (a replay, a second click, another server). */
  consume(sessionId: string, id: string): Promise<void>;
}

// A distinct label: the same seed derives deployment passwords and the session key.
const KEY_INFO = "codeploy dashboard draft v1";
const ID = /^[\w-]{43}$/;
const PRUNE_EVERY_MS = 5 * 60_000;

export function draftKey(seed: string): Buffer {
  return Buffer.from(hkdfSync("sha256", seed, "codeploy-drafts", KEY_INFO, 32));
}

const gone = () =>
  new CodeError("NOT_FOUND", "this reviewed plan was already confirmed, or is not from this session", {
    hint: "review the plan again from New deployment",
  });

const draftSchema = z.object({
  kind: z.enum(["words", "yaml"]),
  text: z.string(),
  app: z.string(),
  environment: z.string(),
  planId: z.string().optional(),
});

function draftOf(json: string | undefined): Draft | undefined {
  if (json === undefined) return undefined;
  try {
    const parsed = draftSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** `seed`: the installation's secret seed; without one, a key of this process (drafts then stay on this server). */
export function storedDraftStore(
  rows: DraftRowStore,
  options: DraftLimits & { readonly seed?: string | undefined } = {},
): DraftStore {
  const ttlMs = options.ttlMs ?? 30 * 60_000;
  const limits = { perSession: options.perSession ?? 20, total: options.total ?? 10_000 };
  const now = options.now ?? Date.now;
  const key = draftKey(options.seed ?? randomBytes(32).toString("base64url"));
  const bound = (idHash: string, sessionHash: string) => `${idHash}.${sessionHash}`;
  let prunedAt = Number.NEGATIVE_INFINITY;
  return {
    async save(sessionId, draft) {
      const id = randomBytes(32).toString("base64url");
      const idHash = sessionIdHash(id);
      const sessionHash = sessionIdHash(sessionId);
      const at = now();
      if (at - prunedAt >= PRUNE_EVERY_MS) {
        prunedAt = at;
        await rows.prune(at - ttlMs, DRAFT_BATCH);
      }
      const sealed = seal(key, bound(idHash, sessionHash), JSON.stringify(draft));
      await rows.insert({ idHash, sessionHash, sealed, createdAt: at }, limits);
      return id;
    },
    async open(sessionId, id) {
      if (!ID.test(id)) throw gone();
      const idHash = sessionIdHash(id);
      const sessionHash = sessionIdHash(sessionId);
      const row = await rows.get(idHash, sessionHash);
      if (row === undefined) throw gone();
      if (now() - row.createdAt > ttlMs) {
        await rows.take(idHash, sessionHash);
        throw new CodeError(
          "DRAFT_EXPIRED",
          `this plan was reviewed more than ${Math.round(ttlMs / 60_000)} minutes ago`,
          { hint: "review the plan again: what runs may have changed since" },
        );
      }
      // Sealed under another seed (a server without the shared CODEPLOY_SECRET_SEED) or altered.
      const draft = draftOf(unseal(key, bound(idHash, sessionHash), row.sealed));
      if (draft === undefined)
        throw new CodeError("NOT_FOUND", "this server cannot open the reviewed plan", {
          hint: "give every API server the same CODEPLOY_SECRET_SEED, then review the plan again",
        });
      return draft;
    },
    async consume(sessionId, id) {
      if (!ID.test(id) || !(await rows.take(sessionIdHash(id), sessionIdHash(sessionId)))) throw gone();
    },
  };
}
