/**
 * `Authorization: Bearer <token>` -> Principal. Tokens starting with `cdp_`
 * are API keys (looked up by id, compared by hash); anything else must be a
 * JWT. Verified API keys are cached for a few seconds, keyed by the token's
 * hash, so a busy client costs one database read per cache period; revoking
 * through this server forgets the key at once, other servers within the TTL.
 */
import { createHash } from "node:crypto";
import { cleanActor } from "../../core/actor.js";
import type { ApiKey, ApiKeyStore } from "../../state/keys.js";
import { unauthenticated } from "../errors.js";
import type { JwtVerifier } from "./jwt.js";
import type { Principal } from "./rbac.js";

export interface Authenticator {
  authenticate(authorization: string | undefined): Promise<Principal>;
  /** Drops cached verifications of a key (after a revoke or expire). */
  forget(keyId: string): void;
}

export interface AuthenticatorOptions {
  readonly keys: ApiKeyStore;
  readonly jwt?: JwtVerifier;
  /** How long a verified API key is trusted without reading the store. @default 5000 */
  readonly cacheMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

const MAX_CACHED = 10_000;
const MAX_TOKEN_LENGTH = 8192;

interface Cached {
  readonly principal: Principal;
  readonly until: number;
}

export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const cacheMs = options.cacheMs ?? 5000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, Cached>();

  const viaKey = async (token: string): Promise<Principal> => {
    const digest = createHash("sha256").update(token).digest("base64");
    const hit = cache.get(digest);
    if (hit !== undefined && hit.until > now()) return hit.principal;
    cache.delete(digest);
    const key = await options.keys.verify(token);
    if (key === undefined) throw unauthenticated("invalid, revoked or expired API key");
    const principal = keyPrincipal(key);
    if (cacheMs > 0) {
      if (cache.size >= MAX_CACHED) cache.clear();
      const expires = key.expiresAt === undefined ? Number.POSITIVE_INFINITY : Date.parse(key.expiresAt);
      cache.set(digest, { principal, until: Math.min(now() + cacheMs, expires) });
    }
    return principal;
  };

  return {
    async authenticate(authorization) {
      const token = bearerToken(authorization);
      if (token.startsWith("cdp_")) return viaKey(token);
      if (options.jwt === undefined) throw unauthenticated("invalid API key (JWTs are not enabled here)");
      return options.jwt.verify(token);
    },
    forget(keyId) {
      for (const [digest, entry] of cache) if (entry.principal.id === `key:${keyId}`) cache.delete(digest);
    },
  };
}

function bearerToken(authorization: string | undefined): string {
  if (authorization === undefined || authorization.trim() === "") {
    throw unauthenticated("missing Authorization header");
  }
  const match = /^Bearer[ \t]+(\S+)\s*$/i.exec(authorization);
  if (match?.[1] === undefined || match[1].length > MAX_TOKEN_LENGTH) {
    throw unauthenticated("the Authorization header must be `Bearer <token>`");
  }
  return match[1];
}

export function keyPrincipal(key: ApiKey): Principal {
  return {
    id: `key:${key.id}`,
    // Told apart from a JWT subject of the same name: `key:ci` vs `jwt:ci`.
    actor: `key:${cleanActor(key.name)}`,
    kind: "api-key",
    role: key.role,
    environments: key.environments.length === 0 ? undefined : key.environments,
  };
}
