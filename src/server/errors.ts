/**
 * The one place where errors become HTTP answers: `{error: {code, message,
 * hint, details}}` with a status chosen by the error's code. Anything that is
 * not a CodeError is a 500 with a fixed message: stack traces and internal
 * messages stay in the server's log.
 */
import { CodeError, type CodeErrorOptions, SpecValidationError } from "../core/errors.js";

export type HttpStatus = 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 500 | 503;

/** An error raised by the HTTP layer itself (auth, limits, validation), with its status. */
export class HttpError extends CodeError {
  readonly status: HttpStatus;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: HttpStatus,
    code: string,
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

const STATUS_BY_CODE: Readonly<Record<string, HttpStatus>> = {
  USAGE: 400,
  PARSE: 400,
  SPEC_INVALID: 400,
  VALIDATION: 400,
  CONFIG: 400,
  KEY_INVALID: 400,
  NOT_FOUND: 404,
  NOT_DEPLOYED: 404,
  NO_SUCH_REVISION: 404,
  EXPERTS_BUDGET: 422,
  LOCKED: 409,
  KEY_EXISTS: 409,
  REVISION_REDACTED: 409,
  DEPLOYMENT_FINISHED: 409,
  POLICY: 422,
  PROVIDER_UNAVAILABLE: 422,
  PROVIDER_NOT_ALLOWED: 422,
  PLAN_CYCLE: 422,
  SECRET_MISSING: 422,
  STATE_STORE: 503,
  SHUTTING_DOWN: 503,
};

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
    const status = error instanceof HttpError ? error.status : (STATUS_BY_CODE[error.code] ?? 400);
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
