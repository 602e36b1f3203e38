/**
 * POST /v1/video: a tutorial video at a public URL -> a document. Off unless
 * `server.video: true`; the service reads no file a request names and refuses
 * hosts on private networks. Needs the `interpret` permission.
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv, ServerDeps } from "../context.js";
import { serviceFor } from "../service.js";
import { errorResponses, json, jsonBody, secured } from "./common.js";

const videoBody = z
  .object({
    input: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .openapi({ description: "an http(s) URL of the video" }),
    language: z.string().min(2).max(16).optional(),
    engine: z.enum(["auto", "captions", "openai", "pocketsphinx"]).optional(),
    cache: z.boolean().optional(),
  })
  .openapi("VideoRequest");

const segment = z.object({ start: z.number(), end: z.number(), text: z.string() });
const videoAnswer = z
  .object({
    document: z.object({
      title: z.string(),
      source: z.string(),
      durationSeconds: z.number(),
      language: z.string(),
      engine: z.string(),
      chapterSource: z.string(),
      summary: z.string(),
      chapters: z
        .array(
          z.object({
            title: z.string(),
            start: z.number(),
            end: z.number(),
            sentences: z.array(z.string()).readonly(),
          }),
        )
        .readonly(),
      steps: z.array(z.object({ n: z.number(), at: z.number(), text: z.string() })).readonly(),
      commands: z
        .array(z.object({ at: z.number(), language: z.string(), code: z.string(), source: z.string() }))
        .readonly(),
      links: z.array(z.string()).readonly(),
      transcript: z.array(segment).readonly(),
    }),
    markdown: z.string(),
  })
  .openapi("VideoAnswer");

const videoRoute = createRoute({
  method: "post",
  path: "/v1/video",
  tags: ["video"],
  summary: "Turn a tutorial video at a public URL into a document: chapters, steps, commands (server.video)",
  security: secured,
  request: { body: jsonBody(videoBody) },
  responses: { 200: json(videoAnswer, "the document, and as Markdown"), ...errorResponses },
});

export function registerVideoRoutes(app: OpenAPIHono<AppEnv>, deps: ServerDeps): void {
  app.openapi(videoRoute, async (c) => {
    const service = serviceFor(deps, c.get("principal"), c);
    const answer = await service.video(c.req.valid("json"), {
      signal: AbortSignal.any([c.req.raw.signal, deps.closing]),
    });
    return c.json(answer, 200);
  });
}
