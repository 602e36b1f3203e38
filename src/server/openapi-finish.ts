/**
 * The last touches on the generated OpenAPI document, made once for every
 * route instead of in each definition: an operationId for every operation,
 * `security: []` said out loud on the public probes, and the answers every
 * route can give (413 for a body over the limit, 405 for a method the path
 * does not serve).
 */
import type { OpenApiDocument } from "./docs-page.js";

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"] as const;

/** `get /v1/apps/{app}/environments/{env}/lock` -> `getV1AppsByAppEnvironmentsByEnvLock`. */
export function operationIdOf(method: string, path: string): string {
  const words = path
    .split("/")
    .filter(Boolean)
    .map((segment) => {
      const param = /^\{(.+)\}$/.exec(segment);
      const word = param ? `by-${param[1]}` : segment;
      return word
        .split(/[^A-Za-z0-9]+/)
        .filter(Boolean)
        .map((w) => w[0]?.toUpperCase() + w.slice(1))
        .join("");
    });
  return `${method}${words.join("")}`;
}

type Operation = {
  operationId?: string;
  security?: unknown[];
  requestBody?: unknown;
  responses?: Record<string, unknown>;
};

const errorAnswer = (description: string) => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});

export function finishDocument(doc: OpenApiDocument): OpenApiDocument {
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    const ops = item as Record<string, Operation | undefined>;
    for (const method of METHODS) {
      const op = ops[method];
      if (!op) continue;
      op.operationId ??= operationIdOf(method, path);
      op.security ??= [];
      op.responses ??= {};
      const responses = op.responses;
      if (op.requestBody !== undefined)
        responses["413"] ??= errorAnswer("the body is larger than server.bodyLimitBytes");
      responses["405"] ??= errorAnswer("the path does not serve this method (see the Allow header)");
    }
  }
  return doc;
}

/** The methods the document serves on a concrete request path, for 405 answers. */
export function methodsServed(doc: OpenApiDocument, requestPath: string): string[] {
  const out: string[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    const pattern = new RegExp(
      `^${path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}$`,
    );
    if (!pattern.test(requestPath)) continue;
    for (const method of METHODS)
      if ((item as Record<string, unknown>)[method]) out.push(method.toUpperCase());
  }
  return out;
}
