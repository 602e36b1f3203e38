/**
 * Bearer JWTs: HS256 with a shared secret (CODEPLOY_JWT_SECRET), or RS256 /
 * ES256 / EdDSA with the keys of a JWKS URL. Issuer, audience, expiry and
 * not-before are always checked; `alg: none` and algorithms outside the
 * expected family are refused before any key is looked at, so an HMAC token
 * "signed" with an RSA public key never reaches a verifier.
 */
import {
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from "jose";
import { cleanActor } from "../../core/actor.js";
import { ConfigError } from "../../core/errors.js";
import { API_KEY_ROLES } from "../../state/keys.js";
import { HttpError, unauthenticated } from "../errors.js";
import type { Principal } from "./rbac.js";

export const SYMMETRIC_ALGORITHMS = ["HS256"] as const;
export const ASYMMETRIC_ALGORITHMS = ["RS256", "ES256", "EdDSA"] as const;
const MIN_SECRET_BYTES = 32;

export interface JwtSettings {
  /** HS256 shared secret (at least 32 bytes). */
  readonly secret?: string;
  /** JWKS document of an identity provider, for RS256 / ES256 / EdDSA. */
  readonly jwksUrl?: string;
  readonly issuer: string;
  readonly audience: string;
  readonly roleClaim: string;
  readonly environmentsClaim: string;
  readonly clockToleranceSeconds: number;
}

export interface JwtVerifier {
  verify(token: string): Promise<Principal>;
}

/** Undefined when neither a secret nor a JWKS URL is configured (JWTs are then refused). */
export function createJwtVerifier(settings: JwtSettings): JwtVerifier | undefined {
  if (settings.secret === undefined && settings.jwksUrl === undefined) return undefined;
  if (settings.secret !== undefined && Buffer.byteLength(settings.secret) < MIN_SECRET_BYTES) {
    throw new ConfigError(`CODEPLOY_JWT_SECRET is shorter than ${MIN_SECRET_BYTES} bytes`, {
      hint: "use a random secret, for example `openssl rand -base64 48`",
    });
  }
  const secret = settings.secret === undefined ? undefined : new TextEncoder().encode(settings.secret);
  const jwks: JWTVerifyGetKey | undefined =
    settings.jwksUrl === undefined
      ? undefined
      : createRemoteJWKSet(new URL(settings.jwksUrl), { timeoutDuration: 5000, cooldownDuration: 30_000 });
  return {
    async verify(token) {
      const alg = headerAlgorithm(token);
      const common = {
        issuer: settings.issuer,
        audience: settings.audience,
        clockTolerance: settings.clockToleranceSeconds,
        requiredClaims: ["exp", "sub"],
      };
      try {
        if (isOneOf(SYMMETRIC_ALGORITHMS, alg) && secret !== undefined) {
          const { payload } = await jwtVerify(token, secret, {
            ...common,
            algorithms: [...SYMMETRIC_ALGORITHMS],
          });
          return toPrincipal(payload, settings);
        }
        if (isOneOf(ASYMMETRIC_ALGORITHMS, alg) && jwks !== undefined) {
          const { payload } = await jwtVerify(token, jwks, {
            ...common,
            algorithms: [...ASYMMETRIC_ALGORITHMS],
          });
          return toPrincipal(payload, settings);
        }
      } catch (error) {
        throw refusal(error);
      }
      throw unauthenticated(`invalid token: algorithm "${alg}" is not accepted`);
    },
  };
}

function isOneOf<T extends string>(list: readonly T[], value: string): value is T {
  return list.some((v) => v === value);
}

function headerAlgorithm(token: string): string {
  try {
    const { alg } = decodeProtectedHeader(token);
    if (typeof alg === "string") return alg;
  } catch {
    // fall through: not a JWS at all
  }
  throw unauthenticated("invalid token: not an API key and not a well-formed JWT");
}

/** jose's failures in words a client can act on; a JWKS that cannot be fetched is our problem (503). */
function refusal(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof errors.JWTExpired) return unauthenticated("invalid token: expired");
  if (error instanceof errors.JWTClaimValidationFailed) {
    const what = error.claim === "nbf" ? "not valid yet (nbf)" : `claim "${error.claim}" ${error.reason}`;
    return unauthenticated(`invalid token: ${what}`);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey)
    return unauthenticated("invalid token: signature does not verify");
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || isFetchFailure(error)) {
    return new HttpError(503, "JWKS_UNAVAILABLE", "the identity provider's keys (JWKS) cannot be fetched", {
      hint: "check server.jwt.jwksUrl and that the identity provider is reachable",
    });
  }
  if (error instanceof errors.JOSEError) return unauthenticated(`invalid token: ${error.code}`);
  return unauthenticated("invalid token");
}

function isFetchFailure(error: unknown): boolean {
  return (
    error instanceof TypeError || (error instanceof errors.JOSEError && error.code === "ERR_JOSE_GENERIC")
  );
}

function toPrincipal(payload: JWTPayload, settings: JwtSettings): Principal {
  // Who it is comes before what it may do: a malformed subject is 401, not 403.
  const subject = subjectOf(payload.sub);
  const role = payload[settings.roleClaim];
  const found = API_KEY_ROLES.find((r) => r === role);
  if (found === undefined) {
    throw new HttpError(403, "FORBIDDEN", `the token has no codeploy role in claim "${settings.roleClaim}"`, {
      hint: `issue the token with ${settings.roleClaim}: ${API_KEY_ROLES.join(" | ")}`,
    });
  }
  const environments = environmentsOf(payload[settings.environmentsClaim], settings.environmentsClaim);
  return {
    id: `jwt:${payload.iss ?? ""}:${subject}`,
    // Told apart from an API key of the same name: `jwt:alice` vs `key:alice`.
    actor: `jwt:${subject}`,
    kind: "jwt",
    role: found,
    environments,
  };
}

/**
 * The subject as an actor name: a string with something printable in it.
 * `String(payload.sub)` would turn `{"sub": {}}` into "[object Object]" and let
 * unrelated tokens share one identity (and one rate-limit bucket).
 */
function subjectOf(sub: unknown): string {
  if (typeof sub !== "string") throw unauthenticated('invalid token: claim "sub" must be a string');
  const clean = cleanActor(sub, "");
  if (clean === "") throw unauthenticated('invalid token: claim "sub" has no printable characters');
  return clean;
}

/** Absent: all environments. Anything but a list of names is refused rather than read as "all". */
function environmentsOf(claim: unknown, name: string): readonly string[] | undefined {
  if (claim === undefined) return undefined;
  if (Array.isArray(claim) && claim.every((e): e is string => typeof e === "string")) return claim;
  throw new HttpError(403, "FORBIDDEN", `claim "${name}" must be a list of environment names`, {
    hint: `issue the token with ${name}: ["staging", ...], or without it for all environments`,
  });
}
