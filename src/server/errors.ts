/**
 * The one place where errors become HTTP answers: `{error: {code, message,
 * hint, details}}` with a status chosen by the error's code. Anything that is
 * not a CodeError is a 500 with a fixed message: stack traces and internal
 * messages stay in the server's log.
 */
import { errorMapping, type HttpStatus } from "../core/error-codes.js";
import { CodeError, type CodeErrorOptions, type ErrorCode, SpecValidationError } from "../core/errors.js";

export type { HttpStatus } from "../core/error-codes.js";

/** An error raised by the HTTP layer itself (auth, limits, validation), with its status. */
export class HttpError extends CodeError {
  readonly status: HttpStatus;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: HttpStatus,
    code: ErrorCode,
    message: string,
    options: CodeErrorOptions & { headers?: Record<string, string> } = {},
  ) {
    super(code, message, options);
    this.status = status;
    this.headers = options.headers ?? {};
  }
}

export function unauthenticated(message: string): HttpError {
  return new HttpError(401, "UNAUTHENTICATED", message, {
    hint: "send `Authorization: Bearer <token>` with an API key (`codeploy keys create`) or a JWT",
    headers: { "WWW-Authenticate": 'Bearer realm="codeploy"' },
  });
}

export function forbidden(message: string, hint?: string): HttpError {
  return new HttpError(403, "FORBIDDEN", message, {
    hint: hint ?? "ask an admin for a key with the needed role or environment",
  });
}

export function notFound(message: string): HttpError {
  return new HttpError(404, "NOT_FOUND", message);
}

export interface ErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly hint?: string;
    readonly details?: unknown;
  };
}

export interface ErrorAnswer {
  readonly status: HttpStatus;
  readonly body: ErrorBody;
  readonly headers: Readonly<Record<string, string>>;
  /** True when the error is not one we raised on purpose: log it. */
  readonly unexpected: boolean;
}

export function errorAnswer(error: unknown, requestId?: string): ErrorAnswer {
  if (error instanceof CodeError) {
    const status = error instanceof HttpError ? error.status : errorMapping(error.code).http;
    const body: ErrorBody = {
      error: {
        code: error.code,
        message: error.message,
        ...(error.hint !== undefined ? { hint: error.hint } : {}),
        // Spec problems look like the request validator's: {issues: [{path, message}]}.
        ...(error instanceof SpecValidationError
          ? { details: { issues: error.issues } }
          : error.details !== undefined
            ? { details: safeDetails(error.details) }
            : {}),
      },
    };
    return {
      status,
      body,
      headers: error instanceof HttpError ? error.headers : {},
      unexpected: status >= 500 && status !== 503,
    };
  }
  return {
    status: 500,
    body: {
      error: {
        code: "INTERNAL",
        message: "unexpected failure",
        hint: `the server logged the details${requestId ? ` under request id ${requestId}` : ""}; report it if it persists`,
      },
    },
    headers: {},
    unexpected: true,
  };
}

/** Details go out as JSON; anything that cannot be serialised (a cycle, a bigint) is dropped. */
function safeDetails(details: unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(details) ?? "null");
  } catch {
    return undefined;
  }
}
