/**
 * Actor names as recorded in deployments and the audit log. They come from
 * outside (CODEPLOY_ACTOR, a JWT's subject, an API key's name), so control and
 * format characters are removed (no forged lines in a terminal or log, no
 * right-to-left overrides) and the length is capped.
 */

/** C0/C1 controls, DEL, format characters (bidi overrides, zero-width), line and paragraph separators. */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;
export const MAX_ACTOR_LENGTH = 128;

/** The printable part of `name`, trimmed and capped; `fallback` when nothing printable is left. */
export function cleanActor(name: string, fallback = "unknown"): string {
  const clean = [...name.replace(UNPRINTABLE, "").trim()].slice(0, MAX_ACTOR_LENGTH).join("").trim();
  return clean === "" ? fallback : clean;
}

/** Prefixes the server gives its principals: an API key's name, a JWT's subject. */
export const ACTOR_PREFIXES = ["key:", "jwt:"] as const;

/** A local actor that would pass for a server principal is marked as coming from the CLI. */
export function localActor(name: string): string {
  const clean = cleanActor(name);
  return ACTOR_PREFIXES.some((p) => clean.startsWith(p)) ? `cli:${clean}` : clean;
}
