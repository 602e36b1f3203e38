/** Ollama's native `/api/chat`, without streaming; structured output through `format: <JSON Schema>`. */
import { LlmError } from "./errors.js";
import { count, headerIf, isRecord, messagesOf, type Protocol, trimSlash } from "./protocol.js";

export const ollamaProtocol: Protocol = {
  build(ref, request, structured) {
    const system = request.system === undefined ? [] : [{ role: "system", content: request.system }];
    return {
      url: `${trimSlash(ref.baseUrl ?? "http://127.0.0.1:11434")}/api/chat`,
      headers: headerIf("authorization", ref.apiKey && `Bearer ${ref.apiKey}`),
      body: {
        model: ref.model,
        messages: [...system, ...messagesOf(request)],
        stream: false,
        options: {
          num_predict: request.maxOutputTokens ?? 1024,
          ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
        },
        ...(structured ? { format: structured.jsonSchema } : {}),
      },
    };
  },
  parse(body) {
    const message = isRecord(body) && isRecord(body.message) ? body.message : undefined;
    if (!isRecord(body) || !message || typeof message.content !== "string")
      throw new LlmError("invalid-response", "chat answer without message.content");
    return {
      text: message.content,
      usage: {
        inputTokens: count(body.prompt_eval_count),
        outputTokens: count(body.eval_count),
        cachedInputTokens: 0,
        reasoningTokens: 0,
      },
      finishReason: body.done_reason === "length" ? "length" : body.done_reason === "stop" ? "stop" : "other",
      model: typeof body.model === "string" ? body.model : undefined,
    };
  },
};
