/**
 * A refusal or failure as a tool result (`isError: true`) the model can act
 * on: the error's code, message and hint, and for a policy refusal the
 * findings. Unexpected errors say only that they happened (the details go
 * to the server log, never to the caller).
 */
import { CodeError } from "../core/errors.js";

export interface ToolError {
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
  readonly details?: unknown;
}

/** Details worth the tokens: policy findings (as lines) and spec issues; the rest stays out. */
function compactDetails(error: CodeError): unknown {
  const details = error.details;
  if (error.code === "POLICY" && details !== null && typeof details === "object" && "findings" in details) {
    const findings = (details as { findings: unknown }).findings;
    if (Array.isArray(findings))
      return {
        findings: findings
          .slice(0, 20)
          .map((f: { id?: string; path?: string; message?: string }) =>
            [f.id, f.path, f.message].filter(Boolean).join(": "),
          ),
      };
  }
  if (error.code === "SPEC_INVALID" && Array.isArray(details)) return { issues: details.slice(0, 20) };
  if (error.code === "INTENT_REFUSED") return details;
  return undefined;
}

export function toolErrorOf(error: unknown): ToolError {
  if (error instanceof CodeError) {
    const details = compactDetails(error);
    return {
      code: error.code,
      message: error.message,
      ...(error.hint !== undefined ? { hint: error.hint } : {}),
      ...(details !== undefined ? { details } : {}),
    };
  }
  return {
    code: "INTERNAL",
    message: "the tool failed unexpectedly",
    hint: "see the server's log; try again",
  };
}

export function errorResult(error: ToolError) {
  return {
    isError: true as const,
    content: [{ type: "text" as const, text: JSON.stringify({ error }) }],
  };
}
