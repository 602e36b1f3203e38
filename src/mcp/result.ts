/** Tool results: structured content plus the same JSON as text (for clients that read only text). */
import { CodeError } from "../core/errors.js";
import { errorResult, toolErrorOf } from "./errors.js";

export function ok<T extends Record<string, unknown>>(structured: T) {
  return {
    content: [{ type: "text" as const, text: JSON.stringify(structured) }],
    structuredContent: structured,
  };
}

/** Runs a tool's body; a refusal or failure becomes an `isError` result, never a protocol error. */
export async function guarded<T>(
  body: () => Promise<T>,
  onError: ((error: unknown) => void) | undefined,
): Promise<T | ReturnType<typeof errorResult>> {
  try {
    return await body();
  } catch (error) {
    if (!(error instanceof CodeError)) onError?.(error);
    return errorResult(toolErrorOf(error));
  }
}
