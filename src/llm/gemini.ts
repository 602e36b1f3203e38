/**
 * Google Gemini `models/{model}:generateContent`. Structured output through
 * `responseMimeType: application/json` with `responseJsonSchema`.
 */
import { LlmError } from "./errors.js";
import { count, headerIf, isRecord, messagesOf, type Protocol, trimSlash } from "./protocol.js";
import type { FinishReason } from "./types.js";

const FINISH: Record<string, FinishReason> = {
  STOP: "stop",
  MAX_TOKENS: "length",
  SAFETY: "content-filter",
  PROHIBITED_CONTENT: "content-filter",
};

export const geminiProtocol: Protocol = {
  build(ref, request, structured) {
    const base = trimSlash(ref.baseUrl ?? "https://generativelanguage.googleapis.com/v1beta");
    return {
      url: `${base}/models/${encodeURIComponent(ref.model)}:generateContent`,
      headers: headerIf("x-goog-api-key", ref.apiKey),
      body: {
        contents: messagesOf(request).map((m) => ({
          role: m.role === "assistant" ? "model" : "user",
          parts: [{ text: m.content }],
        })),
        ...(request.system !== undefined ? { systemInstruction: { parts: [{ text: request.system }] } } : {}),
        generationConfig: {
          maxOutputTokens: request.maxOutputTokens ?? 1024,
          ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
          ...(structured
            ? { responseMimeType: "application/json", responseJsonSchema: structured.jsonSchema }
            : {}),
        },
      },
    };
  },
  parse(body) {
    const candidate = isRecord(body) && Array.isArray(body.candidates) ? body.candidates[0] : undefined;
    const parts = isRecord(candidate) && isRecord(candidate.content) ? candidate.content.parts : undefined;
    if (!isRecord(body) || !isRecord(candidate) || !Array.isArray(parts))
      throw new LlmError("invalid-response", "generateContent answer without candidates[0].content.parts");
    // Thought summaries are not the answer.
    const text = parts
      .filter((p) => isRecord(p) && typeof p.text === "string" && p.thought !== true)
      .map((p) => (isRecord(p) ? String(p.text) : ""))
      .join("");
    const usage = isRecord(body.usageMetadata) ? body.usageMetadata : {};
    const thoughts = count(usage.thoughtsTokenCount);
    return {
      text,
      usage: {
        inputTokens: count(usage.promptTokenCount),
        // Gemini bills thinking as output; other protocols already include it in their output count.
        outputTokens: count(usage.candidatesTokenCount) + thoughts,
        cachedInputTokens: count(usage.cachedContentTokenCount),
        reasoningTokens: thoughts,
      },
      finishReason: FINISH[String(candidate.finishReason)] ?? "other",
      model: typeof body.modelVersion === "string" ? body.modelVersion : undefined,
    };
  },
};
