/** Pieces every route definition shares: auth, error answers, JSON bodies. */
import type { z } from "@hono/zod-openapi";
import { errorSchema } from "../schemas.js";

export const secured = [{ bearer: [] }];

const error = (description: string) => ({
  description,
  content: { "application/json": { schema: errorSchema } },
});

/** The error answers any authenticated route can give. */
export const errorResponses = {
  400: error("invalid request: every problem with its field path"),
  401: error("missing, invalid or expired token"),
  403: error("the token's role or environments do not allow this"),
  429: error("rate limited; see Retry-After"),
  500: error("unexpected failure (details in the server log)"),
};

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { "application/json": { schema } },
});

export { error as errorResponse };
