/**
 * Dashboard sessions, kept on the server: the browser holds only a random id in
 * an httpOnly, SameSite=Strict cookie. A session keeps the token it was opened
 * with, and every request authenticates that token again (through the API's
 * authenticator and its short cache), so revoking or expiring the key ends
 * the session too. The store is behind a small interface; the one here is in
 * memory (one server process: a session opened on one replica is unknown to
 * another, which asks to sign in again).
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export interface Session {
  readonly token: string;
  /** The CSRF token every mutation carries (form field or header). */
  readonly csrf: string;
  readonly actor: string;
  readonly createdAt: number;
  lastSeen: number;
}

export interface SessionStore {
  /** Returns the id to put in the cookie. */
  open(session: Omit<Session, "csrf" | "createdAt" | "lastSeen">): Session & { readonly id: string };
  /** Undefined when unknown, revoked, idle for too long or too old. */
  get(id: string): Session | undefined;
  revoke(id: string): void;
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

/** Sessions in this process's memory, keyed by the hash of their id (a memory dump shows no usable id). */
export function memorySessionStore(limits: SessionLimits = {}): SessionStore {
  const idleMs = limits.idleMs ?? 8 * HOUR_MS;
  const maxAgeMs = limits.maxAgeMs ?? 12 * HOUR_MS;
  const maxSessions = limits.maxSessions ?? 10_000;
  const now = limits.now ?? Date.now;
  const sessions = new Map<string, Session>();
  return {
    open(input) {
      const id = randomBytes(32).toString("base64url");
      const at = now();
      const session: Session = {
        ...input,
        csrf: randomBytes(32).toString("base64url"),
        createdAt: at,
        lastSeen: at,
      };
      if (sessions.size >= maxSessions) sessions.delete(sessions.keys().next().value ?? "");
      sessions.set(digest(id), session);
      return { ...session, id };
    },
    get(id) {
      const key = digest(id);
      const session = sessions.get(key);
      if (session === undefined) return undefined;
      const at = now();
      if (at - session.lastSeen > idleMs || at - session.createdAt > maxAgeMs) {
        sessions.delete(key);
        return undefined;
      }
      session.lastSeen = at;
      return session;
    },
    revoke(id) {
      sessions.delete(digest(id));
    },
  };
}

function digest(id: string): string {
  return createHash("sha256").update(id).digest("base64url");
}

/** Constant-time comparison of a sent CSRF token with the session's. */
export function csrfMatches(session: Session, sent: string | undefined): boolean {
  if (sent === undefined) return false;
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(sent);
  return a.length === b.length && timingSafeEqual(a, b);
}
