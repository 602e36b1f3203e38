/**
 * Dashboard sessions, kept on the server: the browser holds only a random id in
 * an httpOnly, SameSite=Strict cookie. A session keeps the token it was opened
 * with, and every request authenticates that token again (through the API's
 * authenticator and its short cache), so revoking or expiring the key ends
 * the session too. The store is behind a small interface: `codeploy serve`
 * keeps sessions in the state database (session-store.ts), so every server on
 * it shares them; the one here is in memory (tests, one process).
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export interface Session {
  readonly token: string;
  /** The CSRF token every mutation carries (form field or header). */
  readonly csrf: string;
  readonly actor: string;
  readonly createdAt: number;
  readonly lastSeen: number;
}

export interface SessionStore {
  /** Returns the id to put in the cookie. */
  open(session: Omit<Session, "csrf" | "createdAt" | "lastSeen">): Promise<Session & { readonly id: string }>;
  /** Undefined when unknown, revoked, idle for too long or too old. */
  get(id: string): Promise<Session | undefined>;
  revoke(id: string): Promise<void>;
}

export interface SessionLimits {
  /** @default 8 hours */
  readonly idleMs?: number;
  /** @default 12 hours */
  readonly maxAgeMs?: number;
  /** @default 10 000: the oldest session is dropped past it */
  readonly maxSessions?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

const HOUR_MS = 3_600_000;

/** The limits with their defaults filled in. */
export function sessionLimits(limits: SessionLimits) {
  return {
    idleMs: limits.idleMs ?? 8 * HOUR_MS,
    maxAgeMs: limits.maxAgeMs ?? 12 * HOUR_MS,
    maxSessions: limits.maxSessions ?? 10_000,
    now: limits.now ?? Date.now,
  };
}

/** A new session's random id (for the cookie) and CSRF token. */
export function newSessionSecrets(): { id: string; csrf: string } {
  return { id: randomBytes(32).toString("base64url"), csrf: randomBytes(32).toString("base64url") };
}

/** Sessions in this process's memory, keyed by the hash of their id (a memory dump shows no usable id). */
export function memorySessionStore(limits: SessionLimits = {}): SessionStore {
  const { idleMs, maxAgeMs, maxSessions, now } = sessionLimits(limits);
  const sessions = new Map<string, Session>();
  return {
    async open(input) {
      const { id, csrf } = newSessionSecrets();
      const at = now();
      const session: Session = { ...input, csrf, createdAt: at, lastSeen: at };
      if (sessions.size >= maxSessions) sessions.delete(sessions.keys().next().value ?? "");
      sessions.set(sessionIdHash(id), session);
      return { ...session, id };
    },
    async get(id) {
      const key = sessionIdHash(id);
      const session = sessions.get(key);
      if (session === undefined) return undefined;
      const at = now();
      if (at - session.lastSeen > idleMs || at - session.createdAt > maxAgeMs) {
        sessions.delete(key);
        return undefined;
      }
      const seen = { ...session, lastSeen: at };
      sessions.set(key, seen);
      return seen;
    },
    async revoke(id) {
      sessions.delete(sessionIdHash(id));
    },
  };
}

export function sessionIdHash(id: string): string {
  return createHash("sha256").update(id).digest("base64url");
}

/** Constant-time comparison of a sent CSRF token with the session's. */
export function csrfMatches(session: Session, sent: string | undefined): boolean {
  if (sent === undefined) return false;
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(sent);
  return a.length === b.length && timingSafeEqual(a, b);
}
