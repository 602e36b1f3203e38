/**
 * Dashboard sessions in the state database (state/sessions.ts), shared by every
 * API server on it: a session opened on one server works on the others, and
 * signing out on one ends it on all. The row holds the sha256 of the cookie's
 * id and the credential sealed with AES-256-GCM under a key derived (HKDF) from
 * the installation's shared secret seed, so a dump of the database alone gives
 * neither a usable cookie nor a usable API key or JWT.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { SESSION_BATCH, type SessionRowStore } from "../state/sessions.js";
import {
  newSessionSecrets,
  type Session,
  type SessionLimits,
  type SessionStore,
  sessionIdHash,
  sessionLimits,
} from "./session.js";

/** lastSeen is written at most this often per session: no write per request. */
export const TOUCH_EVERY_MS = 60_000;
/** Expired rows are swept at most this often per server, at most SESSION_BATCH at a time. */
const PRUNE_EVERY_MS = 5 * 60_000;

// A distinct label: the same seed also derives deployment passwords; this key opens sessions only.
const KEY_INFO = "codeploy dashboard session credential v1";

/** The AES-256 key sessions are sealed with, derived from the shared secret seed (never the seed itself). */
export function sessionKey(seed: string): Buffer {
  return Buffer.from(hkdfSync("sha256", seed, "codeploy-sessions", KEY_INFO, 32));
}

/** iv | tag | ciphertext, base64url; bound to the row's id hash so a blob cannot move to another row. */
export function seal(key: Buffer, idHash: string, credential: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(idHash));
  const body = Buffer.concat([cipher.update(credential, "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url");
}

/** The credential, or undefined when the blob was sealed with another key, for another row, or altered. */
export function unseal(key: Buffer, idHash: string, sealed: string): string | undefined {
  const raw = Buffer.from(sealed, "base64url");
  if (raw.length < 28) return undefined;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(idHash));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
  } catch {
    return undefined;
  }
}

export interface StoredSessionOptions extends SessionLimits {
  /** The installation's secret seed (CODEPLOY_SECRET_SEED on servers that share a database). */
  readonly seed: string;
}

export function storedSessionStore(rows: SessionRowStore, options: StoredSessionOptions): SessionStore {
  const { idleMs, maxAgeMs, maxSessions, now } = sessionLimits(options);
  const key = sessionKey(options.seed);
  let prunedAt = Number.NEGATIVE_INFINITY;
  // Bounded sweep of expired rows, piggybacked on sign-ins (expiry itself is enforced on read).
  const prune = async (at: number) => {
    if (at - prunedAt < PRUNE_EVERY_MS) return;
    prunedAt = at;
    await rows.prune(at - idleMs, at - maxAgeMs, SESSION_BATCH);
  };
  return {
    async open(input) {
      const { id, csrf } = newSessionSecrets();
      const at = now();
      const idHash = sessionIdHash(id);
      await prune(at);
      await rows.insert(
        {
          idHash,
          actor: input.actor,
          csrf,
          sealed: seal(key, idHash, input.token),
          createdAt: at,
          lastSeen: at,
        },
        maxSessions,
      );
      return { ...input, csrf, createdAt: at, lastSeen: at, id };
    },
    async get(id) {
      const idHash = sessionIdHash(id);
      const row = await rows.get(idHash);
      if (row === undefined) return undefined;
      const at = now();
      if (at - row.lastSeen > idleMs || at - row.createdAt > maxAgeMs) {
        await rows.delete(idHash);
        return undefined;
      }
      // Sealed under another seed (a server without the shared CODEPLOY_SECRET_SEED) or altered:
      // this server cannot use it; the row is left to the servers that can, and to expiry.
      const token = unseal(key, idHash, row.sealed);
      if (token === undefined) return undefined;
      const touch = at - row.lastSeen >= TOUCH_EVERY_MS;
      if (touch) await rows.touch(idHash, at);
      const session: Session = {
        token,
        csrf: row.csrf,
        actor: row.actor,
        createdAt: row.createdAt,
        lastSeen: touch ? at : row.lastSeen,
      };
      return session;
    },
    revoke: (id) => rows.delete(sessionIdHash(id)),
  };
}
