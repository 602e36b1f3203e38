/** GET /v1/audit/verify (any role); the audit records and the API keys (unrestricted admins only). */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { formatHead, parseHead } from "../../state/audit-key.js";
import { authorize } from "../auth/rbac.js";
import { type AppEnv, noteAudit, type ServerDeps } from "../context.js";
import { notFound } from "../errors.js";
import {
  apiKeySchema,
  auditHeadResult,
  auditListQuery,
  auditListResult,
  auditVerifyQuery,
  auditVerifyResult,
  expireKeyBody,
  keyBody,
  keyCreated,
  keyIdParam,
  keysResult,
} from "../schemas.js";
import { errorResponse, errorResponses, json, jsonBody, secured } from "./common.js";

const tags = ["admin"];
const DAY_MS = 86_400_000;

const verifyRoute = createRoute({
  method: "get",
  path: "/v1/audit/verify",
  tags,
  summary:
    "Check the keyed chain of the audit log, against the server's anchor and, if given, a head stored elsewhere",
  security: secured,
  request: { query: auditVerifyQuery },
  responses: { 200: json(auditVerifyResult, "ok, or the first broken record"), ...errorResponses },
});

const headRoute = createRoute({
  method: "get",
  path: "/v1/audit/head",
  tags,
  summary: "The last record's seq and MAC, to store elsewhere and check with ?head= (unrestricted admins)",
  security: secured,
  responses: {
    200: json(auditHeadResult, "the head"),
    404: errorResponse("the log is empty"),
    ...errorResponses,
  },
});

const auditListRoute = createRoute({
  method: "get",
  path: "/v1/audit",
  tags,
  summary: "The newest audit records, newest first (unrestricted admins)",
  security: secured,
  request: { query: auditListQuery },
  responses: { 200: json(auditListResult, "records, newest first"), ...errorResponses },
});

const createKeyRoute = createRoute({
  method: "post",
  path: "/v1/keys",
  tags,
  summary: "Create an API key; the key is in this answer only",
  security: secured,
  request: { body: jsonBody(keyBody) },
  responses: {
    201: json(keyCreated, "the key (shown once) and its record"),
    409: errorResponse("an active key has this name"),
    ...errorResponses,
  },
});

const listKeysRoute = createRoute({
  method: "get",
  path: "/v1/keys",
  tags,
  summary: "Every API key (never the key itself)",
  security: secured,
  responses: { 200: json(keysResult, "keys, newest first"), ...errorResponses },
});

const revokeKeyRoute = createRoute({
  method: "delete",
  path: "/v1/keys/{keyId}",
  tags,
  summary: "Revoke an API key",
  security: secured,
  request: { params: keyIdParam },
  responses: {
    200: json(apiKeySchema, "the revoked key"),
    404: errorResponse("no such key"),
    ...errorResponses,
  },
});

const expireKeyRoute = createRoute({
  method: "post",
  path: "/v1/keys/{keyId}/expire",
  tags,
  summary: "Set an API key's expiry (default: now)",
  security: secured,
  request: { params: keyIdParam, body: jsonBody(expireKeyBody) },
  responses: {
    200: json(apiKeySchema, "the key with its new expiry"),
    404: errorResponse("no such key"),
    ...errorResponses,
  },
});

export function registerAdminRoutes(app: OpenAPIHono<AppEnv>, deps: ServerDeps): void {
  app.openapi(verifyRoute, async (c) => {
    authorize(c.get("principal"), "read");
    const { head } = c.req.valid("query");
    return c.json(await deps.store.verifyAudit(head !== undefined ? { head: parseHead(head) } : {}), 200);
  });

  app.openapi(headRoute, async (c) => {
    authorize(c.get("principal"), "audit");
    const head = await deps.store.auditHead();
    if (head === undefined) throw notFound("the audit log is empty");
    return c.json({ ...head, head: formatHead(head) }, 200);
  });

  app.openapi(auditListRoute, async (c) => {
    authorize(c.get("principal"), "audit");
    const { limit, after } = c.req.valid("query");
    const records = await deps.store.listAudit({
      newestFirst: after === undefined,
      limit: limit ?? 50,
      ...(after !== undefined ? { afterSeq: after } : {}),
    });
    return c.json({ records }, 200);
  });

  app.openapi(createKeyRoute, async (c) => {
    const principal = c.get("principal");
    const body = c.req.valid("json");
    noteAudit(c, `key:${body.name}`, { role: body.role, environments: body.environments ?? [] });
    authorize(principal, "keys");
    const { apiKey, token } = await deps.store.apiKeys.create({
      name: body.name,
      role: body.role,
      environments: body.environments ?? [],
      ...(body.expiresInDays !== undefined
        ? { expiresAt: new Date(Date.now() + body.expiresInDays * DAY_MS) }
        : {}),
      createdBy: principal.actor,
    });
    noteAudit(c, `key:${apiKey.name}`, {
      keyId: apiKey.id,
      role: apiKey.role,
      environments: apiKey.environments,
    });
    return c.json({ key: token, apiKey }, 201);
  });

  app.openapi(listKeysRoute, async (c) => {
    authorize(c.get("principal"), "keys");
    return c.json({ keys: await deps.store.apiKeys.list() }, 200);
  });

  app.openapi(revokeKeyRoute, async (c) => {
    const { keyId } = c.req.valid("param");
    noteAudit(c, `key:${keyId}`);
    authorize(c.get("principal"), "keys");
    const revoked = await deps.store.apiKeys.revoke(keyId);
    deps.auth.forget(keyId);
    noteAudit(c, `key:${revoked.name}`, { keyId });
    return c.json(revoked, 200);
  });

  app.openapi(expireKeyRoute, async (c) => {
    const { keyId } = c.req.valid("param");
    const { at } = c.req.valid("json");
    noteAudit(c, `key:${keyId}`);
    authorize(c.get("principal"), "keys");
    const expired = await deps.store.apiKeys.expire(keyId, at === undefined ? undefined : new Date(at));
    deps.auth.forget(keyId);
    noteAudit(c, `key:${expired.name}`, { keyId, expiresAt: expired.expiresAt });
    return c.json(expired, 200);
  });
}
