/**
 * A small typed client of the API: the transport of the HTTP service
 * (`http.ts`, the CLI's `--server URL` mode) and of tests. Error answers become CodeErrors with the server's code, message and
 * hint, so the CLI prints and maps them like local failures.
 */
import { isErrorCode } from "../core/error-codes.js";
import { CodeError } from "../core/errors.js";
import type { Consultation } from "../experts/types.js";
import type { DriftEventPage, StepEvent } from "../state/types.js";
import type { DriftAnswer } from "./drift.js";
import type { ConsultationSummary, ExpertsMembers } from "./experts.js";
import type {
  ArtifactsAnswer,
  ArtifactsRequest,
  AuditHead,
  AuditLine,
  AuditVerification,
  DeploymentView,
  EnvironmentView,
  HistoryAnswer,
  InterpretAnswer,
  KeyView,
  PlanAnswer,
  StatusAnswer,
  StatusPageAnswer,
  StatusPageRequest,
  StepView,
  UnlockAnswer,
} from "./types.js";
import type { VideoAnswer } from "./video.js";

/** The answer to a deployment request: recorded and running, or waiting for a slot. */
export interface Accepted {
  readonly id: string;
  readonly app: string;
  readonly environment: string;
  readonly action: "apply" | "rollback" | "destroy";
  readonly revision?: number;
  readonly queued?: boolean;
  readonly position?: number;
  /** An apply that changes nothing answers 200 with what runs instead. */
  readonly unchanged?: boolean;
  readonly links: { readonly self: string; readonly events: string };
}

/** POST .../plan: a rollback or destroy reviewed before it runs. */
export interface ChangePlanAnswer {
  readonly action: "rollback" | "destroy";
  readonly app: string;
  readonly environment: string;
  readonly planId: string;
  readonly steps: readonly StepView[];
  readonly changes: boolean;
  readonly confirm: { readonly what: string; readonly typeToConfirm?: string };
}

export interface ApiClientOptions {
  /** `http://127.0.0.1:8080` */
  readonly baseUrl: string;
  readonly token?: string;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

/** What an event stream yields: step events in order, then the end with the final record. */
export type StreamItem =
  | { readonly kind: "event"; readonly event: StepEvent }
  | { readonly kind: "end"; readonly deployment: DeploymentView };

/** A request body as sent: specs travel as read from a file, the server validates them. */
export type Body = Readonly<Record<string, unknown>>;

export interface ApiClient {
  interpret(body: Body): Promise<InterpretAnswer>;
  plan(body: Body): Promise<PlanAnswer>;
  deploy(body: Body): Promise<Accepted>;
  deployment(id: string): Promise<DeploymentView>;
  events(id: string, options?: { after?: number; signal?: AbortSignal }): AsyncGenerator<StreamItem>;
  apps(): Promise<{
    apps: {
      app: string;
      environments: { environment: string; currentRevision?: number; state?: string }[];
    }[];
  }>;
  status(query?: { app?: string; env?: string; live?: boolean }): Promise<StatusAnswer>;
  statusPage(request: StatusPageRequest): Promise<StatusPageAnswer>;
  artifacts(request: ArtifactsRequest): Promise<ArtifactsAnswer>;
  environment(app: string, env: string): Promise<EnvironmentView>;
  history(app: string, env: string, limit?: number): Promise<HistoryAnswer>;
  drift(app: string, env: string): Promise<DriftAnswer>;
  driftEvents(app: string, env: string, page?: { limit?: number; before?: number }): Promise<DriftEventPage>;
  /** A rollback or destroy as it would run now, with its planId; nothing runs. */
  planChange(app: string, env: string, body: Body): Promise<ChangePlanAnswer>;
  /** `planId`: run only while it still names this rollback and what runs (PLAN_MISMATCH / PLAN_STALE). */
  rollback(app: string, env: string, revision?: number, planId?: string): Promise<Accepted>;
  destroy(app: string, env: string, planId?: string): Promise<Accepted>;
  /** `force`: free it even while its holder runs (admins only; audited). */
  unlock(app: string, env: string, force?: boolean): Promise<UnlockAnswer>;
  verifyAudit(options?: { head?: string }): Promise<AuditVerification>;
  auditHead(): Promise<AuditHead>;
  listAudit(options?: { limit?: number }): Promise<{ records: AuditLine[] }>;
  createKey(body: Body): Promise<{ key: string; apiKey: KeyView }>;
  listKeys(): Promise<{ keys: KeyView[] }>;
  revokeKey(id: string): Promise<KeyView>;
  /** `at`: ISO 8601; default now. */
  expireKey(id: string, at?: string): Promise<KeyView>;
  expertsMembers(probe: boolean): Promise<ExpertsMembers>;
  expertsAsk(body: Body, signal?: AbortSignal): Promise<Consultation>;
  expertsHistory(limit?: number): Promise<{ consultations: ConsultationSummary[] }>;
  expertsShow(id: string): Promise<Consultation>;
  video(body: Body, signal?: AbortSignal): Promise<VideoAnswer>;
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const base = options.baseUrl.replace(/\/+$/, "");
  const doFetch = options.fetch ?? globalThis.fetch;
  const call = async <T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> => {
    const res = await send(doFetch, base, options.token, method, path, body, {}, signal);
    return (await res.json()) as T;
  };
  const env = (app: string, e: string) =>
    `/v1/apps/${encodeURIComponent(app)}/environments/${encodeURIComponent(e)}`;
  return {
    interpret: (body) => call("POST", "/v1/interpret", body),
    plan: (body) => call("POST", "/v1/plan", body),
    deploy: (body) => call("POST", "/v1/deployments", body),
    deployment: (id) => call("GET", `/v1/deployments/${encodeURIComponent(id)}`),
    events: (id, opts = {}) => streamEvents(doFetch, base, options.token, id, opts),
    apps: () => call("GET", "/v1/apps"),
    status: (q = {}) =>
      call("GET", `/v1/status${query({ app: q.app, env: q.env, live: q.live ? "true" : undefined })}`),
    statusPage: (r) =>
      call(
        "GET",
        `/v1/environments${query({
          q: r.search,
          env: r.environment,
          state: r.state,
          sort: r.sort,
          offset: r.offset?.toString(),
          limit: r.limit?.toString(),
        })}`,
      ),
    artifacts: (request) => call("POST", "/v1/artifacts", request),
    environment: (app, e) => call("GET", env(app, e)),
    drift: (app, e) => call("GET", `${env(app, e)}/drift`),
    driftEvents: (app, e, page = {}) =>
      call(
        "GET",
        `${env(app, e)}/drift/events${query({ limit: page.limit?.toString(), before: page.before?.toString() })}`,
      ),
    history: (app, e, limit) => call("GET", `${env(app, e)}/history${query({ limit: limit?.toString() })}`),
    planChange: (app, e, body) => call("POST", `${env(app, e)}/plan`, body),
    rollback: (app, e, revision, planId) =>
      call("POST", `${env(app, e)}/rollback`, {
        ...(revision !== undefined ? { revision } : {}),
        ...(planId !== undefined ? { planId } : {}),
      }),
    destroy: (app, e, planId) => call("DELETE", `${env(app, e)}${query({ planId })}`),
    unlock: (app, e, force) => call("DELETE", `${env(app, e)}/lock${force ? "?force=true" : ""}`),
    verifyAudit: (opts = {}) =>
      call(
        "GET",
        `/v1/audit/verify${opts.head !== undefined ? `?head=${encodeURIComponent(opts.head)}` : ""}`,
      ),
    auditHead: () => call("GET", "/v1/audit/head"),
    listAudit: (opts = {}) =>
      call("GET", `/v1/audit${opts.limit !== undefined ? `?limit=${opts.limit}` : ""}`),
    createKey: (body) => call("POST", "/v1/keys", body),
    listKeys: () => call("GET", "/v1/keys"),
    revokeKey: (id) => call("DELETE", `/v1/keys/${encodeURIComponent(id)}`),
    expireKey: (id, at) =>
      call("POST", `/v1/keys/${encodeURIComponent(id)}/expire`, at === undefined ? {} : { at }),
    expertsMembers: (probe) => call("GET", `/v1/experts${probe ? "" : "?probe=false"}`),
    expertsAsk: (body, signal) => call("POST", "/v1/experts/ask", body, signal),
    expertsHistory: (limit) => call("GET", `/v1/experts/consultations${query({ limit: limit?.toString() })}`),
    expertsShow: (id) => call("GET", `/v1/experts/consultations/${encodeURIComponent(id)}`),
    video: (body, signal) => call("POST", "/v1/video", body, signal),
  };
}

/** `?a=1&b=2` of the defined values, or "". */
function query(values: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v !== undefined) params.set(k, v);
  const text = params.toString();
  return text ? `?${text}` : "";
}

async function send(
  doFetch: typeof fetch,
  base: string,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  extra: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<Response> {
  const headers: Record<string, string> = { accept: "application/json", ...extra };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  let res: Response;
  try {
    res = await doFetch(`${base}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      ...(signal ? { signal } : {}),
    });
  } catch (cause) {
    throw new CodeError("SERVER_UNREACHABLE", `cannot reach the codeploy server at ${base}`, {
      cause,
      hint: "check --server (or CODEPLOY_SERVER) and that `codeploy serve` runs there",
    });
  }
  if (res.ok) return res;
  throw await answerError(res);
}

async function answerError(res: Response): Promise<CodeError> {
  const text = await res.text();
  try {
    const parsed = JSON.parse(text) as {
      error?: { code?: string; message?: string; hint?: string; details?: unknown };
    };
    const e = parsed.error;
    if (e?.code && e.message) {
      return new CodeError(isErrorCode(e.code) ? e.code : "SERVER_ERROR", e.message, {
        ...(e.hint ? { hint: e.hint } : {}),
        details: { status: res.status, ...(e.details !== undefined ? { details: e.details } : {}) },
      });
    }
  } catch {
    // not our error shape: fall through
  }
  return new CodeError("SERVER_ERROR", `the server answered ${res.status}: ${text.slice(0, 200)}`);
}

/** Reads `text/event-stream`: blank-line separated blocks of `field: value` lines. */
export async function* parseEventStream(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<{ event: string; data: string; id?: string }> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true }).replace(/\r\n?/g, "\n");
    for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const message = parseBlock(block);
      if (message) yield message;
    }
  }
}

function parseBlock(block: string): { event: string; data: string; id?: string } | undefined {
  let event = "message";
  let id: string | undefined;
  const data: string[] = [];
  for (const line of block.split("\n")) {
    if (line === "" || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
    else if (field === "id") id = value;
  }
  return data.length === 0
    ? undefined
    : { event, data: data.join("\n"), ...(id !== undefined ? { id } : {}) };
}

async function* streamEvents(
  doFetch: typeof fetch,
  base: string,
  token: string | undefined,
  id: string,
  options: { after?: number; signal?: AbortSignal },
): AsyncGenerator<StreamItem> {
  const headers: Record<string, string> = { accept: "text/event-stream" };
  if (options.after !== undefined) headers["last-event-id"] = String(options.after);
  const path = `/v1/deployments/${encodeURIComponent(id)}/events`;
  const res = await send(doFetch, base, token, "GET", path, undefined, headers, options.signal);
  if (!res.body) return;
  for await (const message of parseEventStream(res.body)) {
    if (message.event === "end") {
      yield { kind: "end", deployment: JSON.parse(message.data) as DeploymentView };
      return;
    }
    yield { kind: "event", event: JSON.parse(message.data) as StepEvent };
  }
}
