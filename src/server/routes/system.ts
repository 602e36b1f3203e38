/** Unauthenticated endpoints: liveness, readiness (store reachable), Prometheus metrics, OpenAPI and docs. */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv, ServerDeps } from "../context.js";
import { docsPage, type OpenApiDocument } from "../docs-page.js";
import { finishDocument } from "../openapi-finish.js";
import { json } from "./common.js";

const tags = ["system"];
const health = z.object({ status: z.enum(["ok", "unavailable"]), reason: z.string().optional() });

const healthRoute = createRoute({
  method: "get",
  path: "/healthz",
  tags,
  summary: "Liveness: the process answers",
  responses: { 200: json(health, "alive") },
});

const readyRoute = createRoute({
  method: "get",
  path: "/readyz",
  tags,
  summary: "Readiness: the state store answers and the server is not shutting down",
  responses: { 200: json(health, "ready"), 503: json(health, "not ready") },
});

const metricsRoute = createRoute({
  method: "get",
  path: "/metrics",
  tags,
  summary:
    "Prometheus metrics: requests, latencies, deployments and steps by outcome, LLM usage, queue depth",
  responses: {
    200: { description: "Prometheus text format", content: { "text/plain": { schema: z.string() } } },
  },
});

export const API_INFO = {
  title: "CODE (codeploy)",
  version: "1",
  license: { name: "MIT", identifier: "MIT" },
  description:
    "Say what you want deployed, review the plan, deploy it. Errors are {error: {code, message, hint, details}}.",
};

/** Registers the probes and documents; returns the OpenAPI document (built once, on first use). */
export function registerSystemRoutes(app: OpenAPIHono<AppEnv>, deps: ServerDeps): () => OpenApiDocument {
  app.openapi(healthRoute, (c) => c.json({ status: "ok" as const }, 200));

  app.openapi(readyRoute, async (c) => {
    if (!deps.runs.accepting) return c.json({ status: "unavailable" as const, reason: "shutting down" }, 503);
    try {
      await deps.store.getDeployment("readiness-probe");
      return c.json({ status: "ok" as const }, 200);
    } catch {
      return c.json({ status: "unavailable" as const, reason: "the state store does not answer" }, 503);
    }
  });

  app.openapi(metricsRoute, async (c) => {
    deps.metrics.setQueueDepth(deps.runs.size);
    return c.text(await deps.metrics.render(), 200, { "Content-Type": deps.metrics.contentType });
  });

  const document = () =>
    finishDocument(
      app.getOpenAPI31Document({
        openapi: "3.1.0",
        info: API_INFO,
        servers: [{ url: "/" }],
      }),
    );
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "an API key (`cdp_...`, from `codeploy keys create`) or a JWT",
  });
  let cached: ReturnType<typeof document> | undefined;
  app.get("/openapi.json", (c) => {
    cached ??= document();
    return c.json(cached);
  });
  app.get("/docs", (c) => {
    cached ??= document();
    return c.html(docsPage(cached));
  });
  return () => {
    cached ??= document();
    return cached;
  };
}
