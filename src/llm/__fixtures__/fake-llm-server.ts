/**
 * A fake LLM server on loopback that speaks the four real protocols (OpenAI
 * chat completions, Anthropic messages, Gemini generateContent, Ollama chat)
 * with complete payloads, and can be told per model to be slow, hang, fail
 * with 500, or answer 429 with Retry-After a number of times first.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type FakeProtocol = "openai" | "anthropic" | "gemini" | "ollama";

export interface FakeRequest {
  readonly protocol: FakeProtocol;
  readonly model: string;
  readonly body: Record<string, unknown>;
  readonly headers: IncomingMessage["headers"];
  /** True when the request asks for structured output (json_schema, tool, responseJsonSchema, format). */
  readonly structured: boolean;
}

export interface FakeReply {
  /** Text, or the object to return for structured output. */
  readonly text?: string;
  readonly object?: unknown;
  /** Answer as an OpenAI tool call instead of message content. */
  readonly asToolCall?: boolean;
  readonly latencyMs?: number;
  readonly fault?: "hang" | "500" | "429";
  /** With fault 429: how many requests fail before one succeeds. @default always */
  readonly failTimes?: number;
  readonly retryAfterSeconds?: number;
  readonly usage?: { input: number; output: number; cached?: number; reasoning?: number };
}

export interface FakeLlmServer {
  readonly baseUrl: string;
  readonly requests: FakeRequest[];
  close(): Promise<void>;
}

function protocolOf(url: string): { protocol: FakeProtocol; model?: string } | undefined {
  if (url.endsWith("/chat/completions")) return { protocol: "openai" };
  if (url.endsWith("/v1/messages")) return { protocol: "anthropic" };
  if (url.endsWith("/api/chat")) return { protocol: "ollama" };
  const gemini = /\/models\/([^/:]+):generateContent$/.exec(url);
  if (gemini?.[1]) return { protocol: "gemini", model: decodeURIComponent(gemini[1]) };
  return undefined;
}

function isStructured(p: FakeProtocol, body: Record<string, unknown>): boolean {
  if (p === "openai") return body.response_format !== undefined || body.tools !== undefined;
  if (p === "anthropic") return body.tools !== undefined;
  if (p === "ollama") return body.format !== undefined;
  const config = body.generationConfig as Record<string, unknown> | undefined;
  return config?.responseMimeType === "application/json";
}

function openAiPayload(
  model: string,
  content: string,
  reply: FakeReply,
  u: Required<NonNullable<FakeReply["usage"]>>,
) {
  const message = reply.asToolCall
    ? {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "call_1", type: "function", function: { name: "result", arguments: content } }],
      }
    : { role: "assistant", content, refusal: null };
  return {
    id: "chatcmpl-fake1",
    object: "chat.completion",
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: reply.asToolCall ? "tool_calls" : "stop" }],
    usage: {
      prompt_tokens: u.input,
      completion_tokens: u.output,
      total_tokens: u.input + u.output,
      prompt_tokens_details: { cached_tokens: u.cached },
      completion_tokens_details: { reasoning_tokens: u.reasoning },
    },
  };
}

function payloadOf(req: FakeRequest, reply: FakeReply): unknown {
  const u = { input: 10, output: 20, cached: 0, reasoning: 0, ...reply.usage };
  const content = req.structured ? JSON.stringify(reply.object ?? {}) : (reply.text ?? "ok");
  switch (req.protocol) {
    case "openai":
      return openAiPayload(req.model, content, reply, u);
    case "anthropic":
      return {
        id: "msg_fake1",
        type: "message",
        role: "assistant",
        model: req.model,
        content: req.structured
          ? [{ type: "tool_use", id: "toolu_1", name: "result", input: reply.object ?? {} }]
          : [{ type: "text", text: content }],
        stop_reason: req.structured ? "tool_use" : "end_turn",
        stop_sequence: null,
        usage: {
          input_tokens: u.input - u.cached,
          output_tokens: u.output,
          cache_read_input_tokens: u.cached,
          cache_creation_input_tokens: 0,
        },
      };
    case "gemini":
      return {
        candidates: [
          { content: { role: "model", parts: [{ text: content }] }, finishReason: "STOP", index: 0 },
        ],
        usageMetadata: {
          promptTokenCount: u.input,
          candidatesTokenCount: u.output - u.reasoning,
          thoughtsTokenCount: u.reasoning,
          cachedContentTokenCount: u.cached,
          totalTokenCount: u.input + u.output,
        },
        modelVersion: req.model,
        responseId: "fake1",
      };
    case "ollama":
      return {
        model: req.model,
        created_at: "2026-01-01T00:00:00Z",
        message: { role: "assistant", content },
        done: true,
        done_reason: "stop",
        total_duration: 1000,
        prompt_eval_count: u.input,
        eval_count: u.output,
      };
  }
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

export async function startFakeLlmServer(behaviour: (req: FakeRequest) => FakeReply): Promise<FakeLlmServer> {
  const requests: FakeRequest[] = [];
  const seen = new Map<string, number>();
  const server = createServer(async (req, res) => {
    const route = protocolOf(req.url ?? "");
    if (req.method !== "POST" || !route) return send(res, 404, { error: { message: "not found" } });
    const body = await readBody(req);
    const model = route.model ?? String(body.model);
    const request: FakeRequest = {
      protocol: route.protocol,
      model,
      body,
      headers: req.headers,
      structured: isStructured(route.protocol, body),
    };
    requests.push(request);
    const reply = behaviour(request);
    const n = (seen.get(model) ?? 0) + 1;
    seen.set(model, n);
    if (reply.fault === "hang") return; // never answers; the client's deadline must end it
    if (reply.latencyMs) await new Promise((r) => setTimeout(r, reply.latencyMs));
    if (reply.fault === "500")
      return send(res, 500, { error: { message: "internal error in the fake", type: "server_error" } });
    if (reply.fault === "429" && n <= (reply.failTimes ?? Number.POSITIVE_INFINITY))
      return send(
        res,
        429,
        { error: { message: "rate limited", type: "rate_limit_error" } },
        { "retry-after": String(reply.retryAfterSeconds ?? 1) },
      );
    send(res, 200, payloadOf(request, reply));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
