/**
 * API failures to ProviderErrors that name the object, quote the server's
 * own message (metav1.Status) and say what to do. Retryable: 409 conflicts,
 * 429, 5xx, request timeouts and dropped connections; everything else would
 * fail the same way again. Errors are recognised by shape (ApiException has
 * a numeric `code` and a `body`; node-fetch errors a `type`), so this file
 * does not import the client library.
 */
import { type ErrorCode, isRetryableStatus } from "../../core/errors.js";
import { ProviderError } from "../../engine/provider.js";

export type Verb = "apply" | "read" | "list" | "delete" | "connect";

export interface ErrorContext {
  /** `Deployment shop-prod/web`, or `Deployments in shop-prod` for lists. */
  readonly what: string;
  readonly verb: Verb;
  readonly kind: string;
  readonly namespace?: string;
  readonly server: string;
  readonly context: string;
  /** Aborted by the engine: cancellation or the step's deadline. */
  readonly signal: AbortSignal;
  readonly requestTimeoutMs: number;
  /** Removes secret values (a Secret's data) from server messages. */
  readonly redact?: (text: string) => string;
}

interface StatusCause {
  readonly field?: string;
  readonly message?: string;
  readonly reason?: string;
}

interface ParsedStatus {
  readonly message?: string;
  readonly reason?: string;
  readonly causes: readonly StatusCause[];
}

const RBAC_VERB: Record<Verb, string> = {
  apply: "patch",
  read: "get",
  list: "list",
  delete: "delete",
  connect: "get",
};

const PLURAL: Record<string, string> = {
  Ingress: "ingresses",
  NetworkPolicy: "networkpolicies",
};

/** 150 -> "0.15s", 30_000 -> "30s". */
export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(2))}s`;
}

export function pluralOf(kind: string): string {
  return PLURAL[kind] ?? `${kind.toLowerCase()}s`;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/** The metav1.Status in an error body, when the body is one. */
export function parseStatus(body: unknown): ParsedStatus {
  let parsed: unknown = body;
  if (typeof body === "string") {
    try {
      parsed = JSON.parse(body);
    } catch {
      return { message: body.trim().slice(0, 300) || undefined, causes: [] };
    }
  }
  const status = record(parsed);
  const causes = record(status?.details)?.causes;
  return {
    message: text(status?.message),
    reason: text(status?.reason),
    causes: Array.isArray(causes)
      ? causes.map((c) => ({
          field: text(record(c)?.field),
          message: text(record(c)?.message),
          reason: text(record(c)?.reason),
        }))
      : [],
  };
}

interface HttpFailure {
  readonly code: number;
  readonly body: unknown;
}

function httpFailure(error: unknown): HttpFailure | undefined {
  const e = record(error);
  if (!(error instanceof Error) || !e || typeof e.code !== "number" || !("body" in e)) return undefined;
  return { code: e.code, body: e.body };
}

export function toProviderError(error: unknown, c: ErrorContext): ProviderError {
  if (error instanceof ProviderError) return error;
  if (c.signal.aborted) {
    return new ProviderError(
      "ABORTED",
      `stopped while ${c.verb === "apply" ? "applying" : "reading"} ${c.what}`,
      {
        retryable: false,
      },
    );
  }
  const http = httpFailure(error);
  if (http) return fromStatus(http.code, parseStatus(http.body), c);
  return fromTransport(error, c);
}

function fromStatus(code: number, status: ParsedStatus, c: ErrorContext): ProviderError {
  const clean = c.redact ?? ((s: string) => s);
  const said = clean(status.message ?? `HTTP ${code}`);
  const causes = status.causes.map((x) => ({ ...x, ...(x.message ? { message: clean(x.message) } : {}) }));
  const details = { httpStatus: code, reason: status.reason, causes };
  const make = (name: ErrorCode, message: string, hint: string, retryable = isRetryableStatus(code)) =>
    new ProviderError(name, clean(message), { retryable, hint: clean(hint), details });
  const where = c.namespace ? ` in namespace ${c.namespace}` : "";
  switch (code) {
    case 401:
      return make(
        "KUBE_UNAUTHORIZED",
        `${c.what}: the API server at ${c.server} refused the credentials of context "${c.context}" (401 Unauthorized)`,
        "the credentials in the kubeconfig expired or are wrong: log in to the cluster again (refresh the token or client certificate) and retry",
      );
    case 403: {
      const verb = RBAC_VERB[c.verb];
      const plural = pluralOf(c.kind);
      return make(
        "KUBE_FORBIDDEN",
        `${c.what}: forbidden (403): ${said}`,
        `RBAC: the user of context "${c.context}" needs \`${verb}\` on ${plural}${where}; check with \`kubectl auth can-i ${verb} ${plural}${c.namespace ? ` -n ${c.namespace}` : ""}\``,
      );
    }
    case 404:
      return make(
        "KUBE_NOT_FOUND",
        `${c.what}: not found (404): ${said}`,
        "the namespace or the kind does not exist on this cluster: apply the network step first, and check that the cluster serves this API version",
      );
    case 409:
      return make(
        "KUBE_CONFLICT",
        `${c.what}: conflict (409): ${said}`,
        "another writer changed the object at the same time; trying again usually succeeds",
        true,
      );
    case 422:
      return invalid({ ...status, causes }, said, c, make);
    case 429:
      return make(
        "KUBE_THROTTLED",
        `${c.what}: the API server is throttling requests (429): ${said}`,
        "codeploy retries with backoff",
        true,
      );
    default:
      if (code >= 500)
        return make(
          "KUBE_SERVER_ERROR",
          `${c.what}: the API server failed (${code}): ${said}`,
          "a server-side failure: trying again usually helps; if it persists, check the API server's health",
          true,
        );
      return make(
        "KUBE_REQUEST_FAILED",
        `${c.what}: the API server answered ${code}: ${said}`,
        "check the object and the cluster's API version",
      );
  }
}

function invalid(
  status: ParsedStatus,
  said: string,
  c: ErrorContext,
  make: (name: ErrorCode, message: string, hint: string) => ProviderError,
): ProviderError {
  const fields = status.causes
    .map((x) => [x.field, x.message].filter(Boolean).join(": "))
    .filter(Boolean)
    .join("; ");
  const immutable = /immutable|Forbidden: updates to/.test(said);
  const hint = immutable
    ? `the cluster refuses to change this field of an existing object (${fields || said}): delete the object (kubectl delete ${c.kind.toLowerCase()} ... -n ${c.namespace ?? ""}) and apply again`
    : `the manifest is invalid: ${fields || said}; fix the spec, or report a renderer bug if the spec is right`;
  return make("KUBE_INVALID", `${c.what} is invalid (422): ${said}`, hint);
}

const RETRYABLE_NET = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "EHOSTUNREACH",
]);

function fromTransport(error: unknown, c: ErrorContext): ProviderError {
  const e = record(error);
  const name = error instanceof Error ? error.name : "";
  if (name === "AbortError" || e?.type === "aborted" || name === "TimeoutError") {
    return new ProviderError(
      "KUBE_TIMEOUT",
      `${c.what}: no answer from the API server at ${c.server} within ${seconds(c.requestTimeoutMs)}`,
      { retryable: true, hint: "the API server is slow or overloaded; codeploy retries" },
    );
  }
  const code = typeof e?.code === "string" ? e.code : typeof e?.errno === "string" ? e.errno : undefined;
  const message = error instanceof Error ? error.message : String(error);
  if (code && (RETRYABLE_NET.has(code) || code === "ENOTFOUND")) {
    return new ProviderError(
      "KUBE_UNREACHABLE",
      `cannot reach the Kubernetes API server at ${c.server} (${code})`,
      {
        retryable: RETRYABLE_NET.has(code),
        hint: `check the kubeconfig context ("${c.context}": kubectl config get-contexts) and that the cluster runs`,
      },
    );
  }
  if (/certificate|self[- ]signed|CERT_|TLS/i.test(`${code ?? ""} ${message}`)) {
    return new ProviderError("KUBE_TLS", `the TLS handshake with ${c.server} failed: ${message}`, {
      hint: "the kubeconfig's certificate-authority does not match the server: fetch a fresh kubeconfig for this cluster",
    });
  }
  if (/Unrecognized API version and kind/.test(message)) {
    return new ProviderError(
      "KUBE_UNKNOWN_KIND",
      `${c.what}: the cluster does not serve this kind (${message})`,
      {
        hint: "install the CRD or the API group this object needs, or use a newer cluster",
      },
    );
  }
  return new ProviderError("KUBE_ERROR", `${c.what}: ${message}`, {
    hint: "see CODEPLOY_DEBUG=1 for the cause",
    cause: error,
  });
}
