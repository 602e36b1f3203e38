/**
 * Every error code CODE raises, with what it becomes at each edge: the HTTP
 * status the server answers and the exit code the CLI ends with (0 ok,
 * 1 refused, 2 usage). A new code without a row here does not compile
 * (`satisfies Record<ErrorCode, ...>`), so no code silently becomes a 400.
 */

export type HttpStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 422 | 429 | 500 | 502 | 503 | 504;
export type ExitCode = 1 | 2;

export interface ErrorMapping {
  readonly http: HttpStatus;
  readonly exit: ExitCode;
}

const usage = { http: 400, exit: 2 } as const;
const invalid = { http: 400, exit: 1 } as const;
const missing = { http: 404, exit: 2 } as const;
const absent = { http: 404, exit: 1 } as const;
const conflict = { http: 409, exit: 1 } as const;
const refused = { http: 422, exit: 1 } as const;
const forbidden = { http: 403, exit: 1 } as const;
/** An engine, cluster, cloud or model behind CODE failed or answered badly. */
const upstream = { http: 502, exit: 1 } as const;
const unavailable = { http: 503, exit: 1 } as const;
const timeout = { http: 504, exit: 1 } as const;
const internal = { http: 500, exit: 1 } as const;

export const ERROR_TABLE = {
  // Input: words, files, flags, requests
  USAGE: usage,
  CONFIG: usage,
  NOT_FOUND: missing,
  PARSE: invalid,
  SPEC_INVALID: invalid,
  VALIDATION: invalid,
  BAD_REQUEST: invalid,
  KEY_INVALID: invalid,
  PAYLOAD_TOO_LARGE: { http: 413, exit: 1 },
  METHOD_NOT_ALLOWED: { http: 405, exit: 2 },
  RENDER_NAMES: invalid,
  OUT_NOT_EMPTY: conflict,
  RENDER_CREDENTIALS: refused,
  HCL_RENDER: internal,

  // Plan and policy
  PLAN_CYCLE: refused,
  PLAN_DUPLICATE: refused,
  PLAN_UNKNOWN_DEPENDENCY: refused,
  POLICY: refused,
  POLICY_PLUGIN: usage,
  POLICY_RULE: internal,
  POLICY_REGO: usage,
  POLICY_REGO_TIMEOUT: timeout,
  /** `codeploy scan --db`: not JSON, or not OSV records. */
  VULN_DB_INVALID: usage,
  /** `codeploy scan`: the image is not in the engine's local store (scans never pull). */
  SCAN_IMAGE_MISSING: absent,
  /** `codeploy scan`: a package database in the image that cannot be read. */
  SCAN_UNREADABLE: refused,
  COST_CATALOG: internal,
  COST_INPUT: invalid,
  SECRET_MISSING: refused,
  INTENT_REFUSED: refused,
  /** A secret:NAME outside its scope (codeploy.yaml `secrets:`), or undeclared on a server. */
  SECRET_FORBIDDEN: forbidden,
  SECRET_UNSUPPORTED: refused,
  /** A deployment for the queue with a secret value in clear (jobs keep secret:NAME references only). */
  SECRET_IN_QUEUE: refused,
  /** An apply was run although what runs already matches its spec. */
  NOTHING_TO_CHANGE: conflict,
  /** A change given a planId made for another change (spec, action, app, environment, revision). */
  PLAN_MISMATCH: conflict,
  /** A change given a planId made before what runs changed. */
  PLAN_STALE: conflict,
  /** A dashboard confirmation whose reviewed plan was kept too long (review it again). */
  DRAFT_EXPIRED: conflict,
  /** A production change or a destroy without the app's name typed as confirmation (MCP `confirm`). */
  CONFIRMATION_REQUIRED: refused,

  // Auth and limits (the server)
  UNAUTHENTICATED: { http: 401, exit: 1 },
  FORBIDDEN: forbidden,
  RATE_LIMITED: { http: 429, exit: 1 },
  /** A request asked for more than a configured limit allows (budget, deadline, parallelism...). */
  LIMIT_EXCEEDED: invalid,
  /** A spec with more components than server.maxComponents. */
  TOO_MANY_COMPONENTS: { http: 413, exit: 1 },
  /** Every deployment slot and the wait list are taken. */
  DEPLOYMENTS_BUSY: { http: 429, exit: 1 },
  JWKS_UNAVAILABLE: unavailable,
  SHUTTING_DOWN: unavailable,
  LISTEN: usage,
  INTERNAL: internal,

  // Client mode (the CLI talking to a server)
  SERVER_UNREACHABLE: unavailable,
  SERVER_ERROR: upstream,
  SERVER_AUTHENTICATION: { http: 401, exit: 1 },

  // State: revisions, deployments, locks, keys, audit
  NOT_DEPLOYED: absent,
  /** `codeploy drift` on an app its provider cannot compare (the null provider). */
  DRIFT_UNSUPPORTED: conflict,
  NO_SUCH_REVISION: absent,
  REVISION_REDACTED: conflict,
  DEPLOYMENT_FINISHED: conflict,
  LOCKED: conflict,
  OWNERSHIP_CONFLICT: conflict,
  LOCK_LOST: conflict,
  /** `unlock` without --force while the holder runs. */
  LOCK_HELD: conflict,
  KEY_EXISTS: conflict,
  STATE_STORE: unavailable,
  AUDIT_WRITE: unavailable,
  ABORTED: { http: 409, exit: 1 },

  // Engine
  STEP_FAILED: upstream,
  STEP_TIMEOUT: timeout,
  CIRCUIT_OPEN: unavailable,
  PROVIDER_UNAVAILABLE: refused,
  PROVIDER_NOT_ALLOWED: refused,
  NULL_FAILURE: upstream,

  // Child processes
  COMMAND_FAILED: upstream,
  COMMAND_NOT_FOUND: unavailable,
  COMMAND_ABORTED: { http: 409, exit: 1 },
  /** gitops: a git clone, fetch, commit or push failed (credentials redacted from the message). */
  GIT_FAILED: upstream,

  // Docker provider
  DOCKER_API: upstream,
  DOCKER_CONNECTION: upstream,
  DOCKER_UNREACHABLE: unavailable,
  DOCKER_HOST_UNSUPPORTED: usage,
  DOCKER_JOB_FAILED: upstream,
  DOCKER_MISSING_VARIABLE: refused,
  DOCKER_NAME_TAKEN: conflict,
  DOCKER_PORT_TAKEN: conflict,
  DOCKER_NO_COMPOSE: refused,
  DOCKER_NO_IMAGE: refused,
  DOCKER_UNKNOWN_COMPONENT: refused,
  DOCKER_VERIFY_MISMATCH: upstream,
  CONTAINER_EXITED: upstream,
  HEALTH_TIMEOUT: timeout,
  IMAGE_PULL_FAILED: upstream,
  IMAGE_PULL_TIMEOUT: timeout,
  INGRESS_UNREACHABLE: upstream,

  // Kubernetes provider
  KUBE_CONFIG: usage,
  KUBE_CONTEXT_UNKNOWN: usage,
  KUBE_NO_CONFIG: usage,
  KUBE_CONFLICT: conflict,
  KUBE_ERROR: upstream,
  KUBE_FORBIDDEN: forbidden,
  KUBE_INVALID: refused,
  KUBE_NOT_FOUND: absent,
  KUBE_NO_MANIFESTS: refused,
  KUBE_REQUEST_FAILED: upstream,
  KUBE_SERVER_ERROR: upstream,
  KUBE_THROTTLED: { http: 429, exit: 1 },
  KUBE_TIMEOUT: timeout,
  KUBE_TLS: upstream,
  KUBE_UNAUTHORIZED: { http: 401, exit: 1 },
  KUBE_UNKNOWN_KIND: refused,
  KUBE_UNREACHABLE: unavailable,
  KUBE_VANISHED: upstream,
  ROLLOUT_FAILED: upstream,
  ROLLOUT_TIMEOUT: timeout,
  DELETE_TIMEOUT: timeout,
  /** The namespace's Pod Security level refused the pods (admission, not the cluster, said no). */
  POD_SECURITY_REFUSED: refused,
  // Kubernetes provider, helm mode
  HELM_NOT_FOUND: unavailable,
  HELM_FAILED: upstream,
  /** A service's local chart cannot be used: no chart folder configured, missing, not a chart, or a link outside it. */
  CHART_PATH: refused,

  // Terraform provider
  TF_ABORTED: { http: 409, exit: 1 },
  TF_AUTH: upstream,
  TF_BACKEND_CHANGED: conflict,
  TF_CONFIG_INVALID: refused,
  TF_DATA_LOSS: refused,
  TF_FAILED: upstream,
  TF_NOT_FOUND: unavailable,
  TF_NO_PLAN: absent,
  TF_PLAN_CHANGED: conflict,
  TF_PLAN_STALE: conflict,
  TF_PROVIDER_DOWNLOAD: upstream,
  TF_RESOURCE_MISSING: upstream,
  TF_WORKSPACE: upstream,
  TF_WRONG_TARGET: usage,

  // Models and the Circle of Experts
  LLM_HTTP: upstream,
  LLM_TIMEOUT: timeout,
  LLM_ABORTED: { http: 409, exit: 1 },
  LLM_NETWORK: upstream,
  LLM_INVALID_RESPONSE: upstream,
  LLM_CONFIG: usage,
  LLM_INVALID_SPEC: upstream,
  EXPERTS_BUDGET: refused,
  EXPERTS_DRIVE: upstream,

  // Video
  VIDEO_FETCH: upstream,
  VIDEO_NO_CAPTIONS: refused,
  VIDEO_PROBE: refused,
  VIDEO_TOOL_MISSING: unavailable,
  VIDEO_TRANSCRIPTION: upstream,
  VIDEO_UNREADABLE: refused,
} as const satisfies Record<string, ErrorMapping>;

export type ErrorCode = keyof typeof ERROR_TABLE;

export function errorMapping(code: ErrorCode): ErrorMapping {
  return ERROR_TABLE[code];
}

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(ERROR_TABLE, value);
}
