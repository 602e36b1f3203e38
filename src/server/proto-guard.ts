/**
 * A JSON body with a "__proto__" key anywhere is refused. zod's records skip
 * that key, so without this the API would drop it silently where `codeploy
 * validate` refuses it; and any code that later merges request data into a
 * plain object would meet it. `constructor` and `prototype` are refused by the
 * spec schema itself (env keys).
 */
import type { MiddlewareHandler } from "hono";
import { HttpError } from "./errors.js";

/** Cheap pre-check: the key written plainly, or any \u escape that could spell it. */
const MAYBE = /__proto__|\\u/;

export function hasProtoKey(text: string): boolean {
  if (!MAYBE.test(text)) return false;
  let found = false;
  try {
    JSON.parse(text, (key, value: unknown) => {
      if (key === "__proto__") found = true;
      return value;
    });
  } catch {
    return false; // not JSON: the request validator answers that
  }
  return found;
}

export const protoGuard: MiddlewareHandler = async (c, next) => {
  if (!(c.req.header("content-type") ?? "").includes("json")) return next();
  if (hasProtoKey(await c.req.text())) {
    throw new HttpError(400, "VALIDATION", 'the request body holds a "__proto__" key', {
      hint: "remove it: __proto__, constructor and prototype are reserved names",
    });
  }
  return next();
};
