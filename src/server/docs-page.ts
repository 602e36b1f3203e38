/**
 * GET /docs: a readable page built from the OpenAPI document itself, served
 * without any script or CDN (the server may run offline): every operation
 * with its summary, parameters, request and answers, linking /openapi.json.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";

export type OpenApiDocument = ReturnType<OpenAPIHono["getOpenAPI31Document"]>;
type PathItem = NonNullable<OpenApiDocument["paths"]>[string];
type Operation = NonNullable<PathItem["get"]>;

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function schemaName(schema: unknown): string {
  if (schema !== null && typeof schema === "object" && "$ref" in schema && typeof schema.$ref === "string") {
    return schema.$ref.split("/").pop() ?? "object";
  }
  return "object";
}

function operationHtml(path: string, method: string, op: Operation): string {
  const params = (op.parameters ?? [])
    .flatMap((p) => ("name" in p ? [p] : []))
    .map((p) => `<code>${escapeHtml(p.name)}</code> (${escapeHtml(p.in)}${p.required ? ", required" : ""})`)
    .join(", ");
  const body =
    op.requestBody && "content" in op.requestBody ? op.requestBody.content["application/json"] : undefined;
  const answers = Object.entries(op.responses ?? {})
    .map(
      ([status, r]: [string, { description?: string }]) =>
        `<li><b>${escapeHtml(status)}</b> ${escapeHtml(r.description ?? "")}</li>`,
    )
    .join("");
  return `<section><h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>
<p>${escapeHtml(op.summary ?? "")}</p>
${params ? `<p>Parameters: ${params}</p>` : ""}
${body ? `<p>Body: <a href="#schema-${escapeHtml(schemaName(body.schema))}">${escapeHtml(schemaName(body.schema))}</a> (JSON)</p>` : ""}
<ul>${answers}</ul></section>`;
}

export function docsPage(doc: OpenApiDocument): string {
  const ops: string[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item?.[method];
      if (op) ops.push(operationHtml(path, method, op));
    }
  }
  const schemas = Object.entries(doc.components?.schemas ?? {})
    .map(
      ([name, schema]) =>
        `<details id="schema-${escapeHtml(name)}"><summary>${escapeHtml(name)}</summary><pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre></details>`,
    )
    .join("\n");
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(doc.info.title)} API</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.4}
code,pre{background:#f4f4f4;padding:0 .2rem}pre{padding:.5rem;overflow:auto}.m{font-size:.8rem;padding:.1rem .4rem;border-radius:3px;color:#fff;background:#555}
.get{background:#2b7}.post{background:#27b}.delete{background:#c33}section{border-top:1px solid #ddd}</style></head>
<body><h1>${escapeHtml(doc.info.title)} <small>${escapeHtml(doc.info.version)}</small></h1>
<p>${escapeHtml(doc.info.description ?? "")}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Authenticate with <code>Authorization: Bearer &lt;API key or JWT&gt;</code>.</p>
${ops.join("\n")}
<h2>Schemas</h2>
${schemas}
</body></html>`;
}
