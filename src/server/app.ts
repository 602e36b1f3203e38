/**
 * The HTTP API as a Hono app, without a socket: `createApp(options).app.request()`
 * in tests, `startServer` (server.ts) for a listening process. Middleware
 * order: request id, access log and metrics outermost (so 401 and 429 are
 * logged and counted),
 * security headers, CORS when configured, body limit, then rate limits and
 * authentication for /v1, audit records for mutating calls, the routes.
 */

import { setMaxListeners } from "node:events";
import { getConnInfo } from "@hono/node-server/conninfo";
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import type { ZodError } from "zod";
import { configSchema, type DriftConfig, type ServerConfig, type VideoConfig } from "../core/config.js";
import type { ErrorCode } from "../core/errors.js";
import type { DeployOptions } from "../engine/deploy.js";
import type { GitopsTarget } from "../gitops/index.js";
import type { Interpreter } from "../intent/interpreter.js";
import { rulesInterpreter } from "../intent/rules-interpreter.js";
import type { RenderOptions } from "../render/types.js";
import { checkComponentCount } from "../service/limits.js";
import type { SecretScope } from "../spec/secret-scope.js";
import type { CommitFeed } from "../state/commit-feed.js";
import { type JobStore, queueUnsupported } from "../state/jobs.js";
import type { StateStore } from "../state/types.js";
import { createAuthenticator } from "./auth/authenticate.js";
import { createJwtVerifier } from "./auth/jwt.js";
import type { AppEnv, PolicySettings, ProviderResolver, ServerDeps } from "./context.js";
import { DriftWatch } from "./drift-watch.js";
import { errorAnswer, HttpError, type HttpStatus } from "./errors.js";
import { EventHub } from "./event-hub.js";
import { registerEventMetrics } from "./event-metrics.js";
import { GitopsWatch, type GitopsWatchOptions } from "./gitops-watch.js";
import { jsonLogger, type ServerLogger } from "./logger.js";
import { registerMcpRoute } from "./mcp-route.js";
import { createServerMetrics, type ServerMetrics } from "./metrics.js";
import { accessLog, audited, clientIpResolver, guard, requestMetrics } from "./middleware.js";
import { methodsServed } from "./openapi-finish.js";
import { inProcessPlanner } from "./planner/core.js";
import { workerPlanner } from "./planner/pool.js";
import type { Planner } from "./planner/types.js";
import { protoGuard } from "./proto-guard.js";
import { providerResolver } from "./providers.js";
import { memoryRateLimiter, type RateLimiter } from "./rate-limit.js";
import { registerAdminRoutes } from "./routes/admin.js";
import { registerAppRoutes } from "./routes/apps.js";
import { registerChangePlanRoutes } from "./routes/change-plan.js";
import { registerDeploymentRoutes } from "./routes/deployments.js";
import { registerDriftRoutes } from "./routes/drift.js";
import { type ExpertsRouteOptions, registerExpertsRoutes } from "./routes/experts.js";
import { registerIntentRoutes } from "./routes/intent.js";
import { registerSystemRoutes } from "./routes/system.js";
import { registerVideoRoutes } from "./routes/video.js";
import { publishingStore, Runs, type ShutdownReport } from "./runs.js";
import { requestInvalid } from "./spec-input.js";

export interface AppOptions {
  readonly store: StateStore;
  /** The `server` section of codeploy.yaml. @default every default of that section */
  readonly config?: ServerConfig;
  /** Render settings (the installation's secret seed). */
  readonly renderOptions?: RenderOptions;
  readonly policy?: PolicySettings;
  /** @default the spec's target; requests may choose among config.requestProviders */
  readonly providers?: ProviderResolver;
  /** Where `secret:NAME` references are read (`CODEPLOY_SECRET_<NAME>`). @default {} (none set) */
  readonly secretEnv?: Readonly<Record<string, string | undefined>>;
  /** The `secrets:` section of codeploy.yaml: which app + environment may use which name. @default {} (none) */
  readonly secretScope?: SecretScope;
  /** Words -> spec. @default the offline rules interpreter */
  readonly interpreter?: Interpreter;
  /** HS256 secret for JWTs (CODEPLOY_JWT_SECRET). */
  readonly jwtSecret?: string;
  /** @default in-process token buckets from config.rateLimit */
  readonly rateLimiter?: RateLimiter;
  readonly logger?: ServerLogger;
  /** The Circle of Experts behind /v1/experts; absent: those routes are not served. */
  readonly experts?: ExpertsRouteOptions;
  /** Video processing behind POST /v1/video, which refuses requests unless config.video. */
  readonly video?: {
    readonly config: VideoConfig;
    readonly env: Readonly<Record<string, string | undefined>>;
    readonly home: string;
    /** Fetch URLs whose host is on a private network too (tests on loopback). @default false */
    readonly allowPrivateHosts?: boolean;
  };
  /** The socket's peer address. @default from @hono/node-server, "unknown" without a socket */
  readonly peerAddress?: (c: Context<AppEnv>) => string | undefined;
  readonly metrics?: ServerMetrics;
  readonly deployOptions?: Pick<DeployOptions, "parallelism" | "stepTimeoutMs" | "leaseMs">;
  /** gitops.repo: each succeeded apply and rollback is committed there. @default none */
  readonly gitops?: GitopsTarget;
  /** How long a verified API key is trusted without a store read. @default 5000 */
  readonly keyCacheMs?: number;
  /** Poll interval for event streams of deployments running in another process, without a commit feed. @default 500 */
  readonly pollMs?: number;
  /**
   * Commit notices from every process sharing the store (`listenForCommits` on Postgres): event
   * streams follow deployments running elsewhere through them instead of polling. Its owner closes it.
   * @default none
   */
  readonly commitFeed?: CommitFeed;
  /** With a commit feed: how often followed deployments are re-read without a notice. @default 5000 */
  readonly eventCheckMs?: number;
  /** @default a pool of config.planWorkers worker threads (in-process when 0, or when the settings cannot cross threads) */
  readonly planner?: Planner;
  /** The package's version, as /mcp names its server. */
  readonly version?: string;
  /** codeploy.yaml `drift:`: ignore rules; with intervalMinutes, `startServer` checks every deployed app. */
  readonly drift?: DriftConfig;
  /** gitops.watch: `startServer` follows the repository and syncs its specs on change. @default off */
  readonly gitopsWatch?: GitopsWatchOptions;
  /** A surface outside /v1 served at `/` and `/ui/*` (the dashboard, given by `codeploy serve`). */
  readonly dashboard?: Surface;
  /**
   * `all`: deployments run in this process. `api`: applies are queued in the store (Postgres) for
   * workers (`codeploy worker`); needs `store.jobs`. @default "all"
   */
  readonly role?: "all" | "api";
}

/** What a surface served beside the API gets: the server's parts, its rate limiter and the client's address. */
export interface SurfaceContext {
  readonly deps: ServerDeps;
  readonly limiter: RateLimiter;
  readonly clientIp: (c: Context<AppEnv>) => string;
  readonly trustProxy: boolean | number;
}

export type Surface = (app: OpenAPIHono<AppEnv>, context: SurfaceContext) => void;

/** Paths a surface owns: they get its Content-Security-Policy instead of the API's. */
export function isSurfacePath(path: string): boolean {
  return path === "/" || path === "/ui" || path.startsWith("/ui/");
}

export interface CodeployApp {
  readonly app: OpenAPIHono<AppEnv>;
  /** What the routes share (a worker runs jobs through the same service wiring). */
  readonly deps: ServerDeps;
  readonly runs: Runs;
  readonly metrics: ServerMetrics;
  /** Follows deployments of other processes through the commit feed (with options.commitFeed). */
  readonly hub?: EventHub;
  /** The interval drift check (drift.intervalMinutes); `startServer` starts it. */
  readonly driftWatch?: DriftWatch;
  /** The repository watch (gitops.watch); `startServer` starts it. */
  readonly gitopsWatch?: GitopsWatch;
  /** Refuses new deployments, waits up to `graceMs` for running ones, cancels the rest, ends event streams. */
  shutdown(graceMs: number): Promise<ShutdownReport>;
  /** Releases the rate limiter (Redis connection). */
  close(): Promise<void>;
}

const defaultPeer = (c: Context<AppEnv>): string | undefined => {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined; // no socket (app.request in tests)
  }
};

export function createApp(options: AppOptions): CodeployApp {
  const config = options.config ?? configSchema.parse({}).server;
  const logger = options.logger ?? jsonLogger();
  const metrics = options.metrics ?? createServerMetrics();
  const closing = new AbortController();
  // Every open event stream listens for the shutdown (and stops listening when it ends): no leak to warn about.
  setMaxListeners(0, closing.signal);
  const runs = new Runs(
    {
      onEngineEvent: (e) => metrics.observeEngineEvent(e),
      onFinished: (d) => metrics.deploymentFinished(d.action, d.outcome ?? "unknown"),
      onDepth: (n) => metrics.setQueueDepth(n),
      onError: (message, error) => logger.log("error", message, { error }),
    },
    { maxConcurrent: config.maxConcurrentDeployments, maxQueued: config.maxQueuedDeployments },
  );
  const jwt = createJwtVerifier({
    ...config.jwt,
    ...(options.jwtSecret !== undefined ? { secret: options.jwtSecret } : {}),
  });
  const policy = options.policy ?? {};
  const renderOptions = options.renderOptions ?? {};
  const planner = options.planner ?? defaultPlanner(config, policy, renderOptions);
  const hub = options.commitFeed
    ? new EventHub(options.store, options.commitFeed, {
        ...(options.eventCheckMs !== undefined ? { checkMs: options.eventCheckMs } : {}),
        onError: (message, error) => logger.log("warn", message, { error }),
      })
    : undefined;
  if (options.commitFeed && hub) registerEventMetrics(metrics.registry, options.commitFeed, hub);
  const deps: ServerDeps = {
    store: publishingStore(options.store, runs),
    runs,
    auth: createAuthenticator({
      keys: options.store.apiKeys,
      ...(jwt ? { jwt } : {}),
      ...(options.keyCacheMs !== undefined ? { cacheMs: options.keyCacheMs } : {}),
    }),
    metrics,
    logger,
    policy,
    renderOptions,
    planner,
    limits: { maxComponents: config.maxComponents },
    providers: options.providers ?? providerResolver({ requestable: config.requestProviders }),
    interpreter: options.interpreter ?? rulesInterpreter,
    secrets: { env: options.secretEnv ?? {}, scope: options.secretScope ?? {}, undeclared: "refuse" },
    deployOptions: options.deployOptions ?? {},
    closing: closing.signal,
    pollMs: options.pollMs ?? 500,
    ...(hub ? { hub } : {}),
    ...(options.gitops ? { gitops: options.gitops } : {}),
    ...(options.experts
      ? {
          experts: {
            ...options.experts,
            // A request may lower the configured budget and deadline, never raise them.
            ceilings: true,
            onUsage: (usage) => metrics.observeLlmUsage(usage),
          },
        }
      : {}),
    ...(options.video
      ? {
          video: {
            ...options.video,
            remote: { enabled: config.video, allowPrivateHosts: options.video.allowPrivateHosts === true },
          },
        }
      : {}),
    ...(options.drift ? { drift: options.drift } : {}),
    ...(options.role === "api" ? { queue: requireJobs(options.store) } : {}),
  };
  const limiter = options.rateLimiter ?? memoryRateLimiter(config.rateLimit);
  const peer = options.peerAddress ?? defaultPeer;
  const app = buildApp(deps, config, limiter, peer, options.dashboard);
  if (options.experts) registerExpertsRoutes(app, deps);
  registerVideoRoutes(app, deps);
  const closeMcp = registerMcpRoute(
    app,
    deps,
    config,
    guard({ auth: deps.auth, limiter, clientIp: clientIpResolver(config.trustProxy, peer) }),
    options.version ?? "0.0.0",
  );
  const driftWatch =
    options.drift?.intervalMinutes !== undefined ? new DriftWatch(deps, options.drift) : undefined;
  const gitopsWatch = options.gitopsWatch ? new GitopsWatch(deps, options.gitopsWatch) : undefined;
  return {
    app,
    deps,
    runs,
    metrics,
    ...(hub ? { hub } : {}),
    ...(driftWatch ? { driftWatch } : {}),
    ...(gitopsWatch ? { gitopsWatch } : {}),
    async shutdown(graceMs) {
      // No heal and no sync may start while the deployments drain.
      await Promise.all([driftWatch?.stop(), gitopsWatch?.stop()]);
      const report = await runs.shutdown(graceMs);
      closing.abort();
      hub?.close();
      return report;
    },
    close: async () => {
      hub?.close();
      await closeMcp();
      await planner.close();
      await limiter.close();
    },
  };
}

function requireJobs(store: StateStore): JobStore {
  if (store.jobs === undefined) throw queueUnsupported();
  return store.jobs;
}

/**
 * Workers get plain settings: rule module paths and the secret seed. Rule objects given without
 * their module paths, or a credentials function, cannot cross a thread boundary: those plan here.
 */
function defaultPlanner(config: ServerConfig, policy: PolicySettings, renderOptions: RenderOptions): Planner {
  const transferable =
    renderOptions.credentials === undefined &&
    (policy.rules === undefined || policy.ruleModules !== undefined);
  if (config.planWorkers === 0 || !transferable) return inProcessPlanner(policy, renderOptions);
  return workerPlanner(
    {
      ruleModules: policy.ruleModules ?? [],
      ...(policy.disabledRules ? { disabledRules: policy.disabledRules } : {}),
      ...(policy.severityOverrides ? { severityOverrides: policy.severityOverrides } : {}),
      ...(renderOptions.secretSeed !== undefined ? { secretSeed: renderOptions.secretSeed } : {}),
      ...(renderOptions.kubernetes ? { kubernetes: renderOptions.kubernetes } : {}),
    },
    config.planWorkers,
  );
}

function buildApp(
  deps: ServerDeps,
  config: ServerConfig,
  limiter: RateLimiter,
  peer: (c: Context<AppEnv>) => string | undefined,
  surface: Surface | undefined,
): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: async (result, c) => {
      if (!result.success)
        throw requestInvalid(result.error as ZodError, await inputOf(c, result.target), result.target);
    },
  });
  useMiddleware(app, deps, config, limiter, peer, surface !== undefined);
  surface?.(app, {
    deps,
    limiter,
    clientIp: clientIpResolver(config.trustProxy, peer),
    trustProxy: config.trustProxy,
  });
  const openApiDocument = registerSystemRoutes(app, deps);
  registerIntentRoutes(app, deps);
  registerDeploymentRoutes(app, deps);
  registerAppRoutes(app, deps);
  registerChangePlanRoutes(app, deps);
  registerDriftRoutes(app, deps);
  registerAdminRoutes(app, deps);
  app.notFound((c) => {
    const allowed = methodsServed(openApiDocument(), c.req.path);
    if (allowed.length > 0) {
      return c.json(
        {
          error: {
            code: "METHOD_NOT_ALLOWED",
            message: `${c.req.path} does not serve ${c.req.method}`,
            hint: `use ${allowed.join(", ")}; see /docs`,
          },
        },
        405,
        { Allow: allowed.join(", ") },
      );
    }
    return c.json(
      { error: { code: "NOT_FOUND", message: `no route ${c.req.method} ${c.req.path}`, hint: "see /docs" } },
      404,
    );
  });
  app.onError((error, c) => {
    const answer = errorAnswer(fromHono(error), c.get("requestId"));
    if (answer.unexpected) {
      deps.logger.log("error", `${c.req.method} ${c.req.path} failed`, {
        requestId: c.get("requestId"),
        error,
      });
    }
    return c.json(answer.body, answer.status, answer.headers);
  });
  return app;
}

function useMiddleware(
  app: OpenAPIHono<AppEnv>,
  deps: ServerDeps,
  config: ServerConfig,
  limiter: RateLimiter,
  peer: (c: Context<AppEnv>) => string | undefined,
  withSurface: boolean,
): void {
  const clientIp = clientIpResolver(config.trustProxy, peer);
  app.use("*", requestId());
  if (config.accessLog) app.use("*", accessLog(deps.logger, clientIp));
  app.use("*", requestMetrics(deps.metrics));
  const apiHeaders = secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      styleSrc: ["'unsafe-inline'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
    },
  });
  // The dashboard's pages load their script and style from this origin only: no inline code.
  const surfaceHeaders = secureHeaders({
    // Forms then carry an Origin header (no-referrer makes browsers send "null").
    referrerPolicy: "same-origin",
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'"],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
    },
  });
  app.use("*", (c, next) =>
    withSurface && isSurfacePath(c.req.path) ? surfaceHeaders(c, next) : apiHeaders(c, next),
  );
  if (config.cors.origins.length > 0) {
    app.use(
      "*",
      cors({
        origin: [...config.cors.origins],
        allowHeaders: ["Authorization", "Content-Type", "Last-Event-ID"],
        allowMethods: ["GET", "POST", "DELETE"],
        maxAge: 600,
      }),
    );
  }
  // Only methods with a body: reading `raw.body` on a GET makes @hono/node-server build a full
  // undici Request, which was the largest per-request cost in a CPU profile of the GET bench.
  app.on(
    ["POST", "PUT", "PATCH", "DELETE"],
    "/v1/*",
    bodyLimit({ maxSize: config.bodyLimitBytes, onError: () => tooLarge(config.bodyLimitBytes) }),
  );
  app.on("POST", "/v1/*", protoGuard);
  app.use("/v1/*", guard({ auth: deps.auth, limiter, clientIp }));
  // Before the request validator, which would otherwise check every component of a huge spec first.
  app.on("POST", ["/v1/plan", "/v1/deployments"], async (c, next) => {
    const body: unknown = await c.req.json().catch(() => undefined);
    if (body !== null && typeof body === "object" && "spec" in body)
      checkComponentCount(body.spec, config.maxComponents);
    await next();
  });
  app.on("POST", "/v1/deployments", audited(deps, "deploy"));
  app.on("POST", "/v1/apps/:app/environments/:env/rollback", audited(deps, "rollback"));
  app.on("DELETE", "/v1/apps/:app/environments/:env", audited(deps, "destroy"));
  app.on("POST", "/v1/keys", audited(deps, "keys.create"));
  app.on("DELETE", "/v1/apps/:app/environments/:env/lock", audited(deps, "unlock"));
  app.on("DELETE", "/v1/keys/:keyId", audited(deps, "keys.revoke"));
  app.on("POST", "/v1/keys/:keyId/expire", audited(deps, "keys.expire"));
}

function tooLarge(limit: number): never {
  throw new HttpError(413, "PAYLOAD_TOO_LARGE", `the request body is larger than ${limit} bytes`, {
    hint: "send a smaller spec, or raise server.bodyLimitBytes",
  });
}

/** What Hono's own HTTPExceptions become; anything else is a 400 BAD_REQUEST. */
const HONO_CODES: ReadonlyMap<number, readonly [HttpStatus, ErrorCode]> = new Map([
  [401, [401, "UNAUTHENTICATED"]],
  [403, [403, "FORBIDDEN"]],
  [404, [404, "NOT_FOUND"]],
  [405, [405, "METHOD_NOT_ALLOWED"]],
  [413, [413, "PAYLOAD_TOO_LARGE"]],
  [422, [422, "VALIDATION"]],
  [429, [429, "RATE_LIMITED"]],
  [503, [503, "SHUTTING_DOWN"]],
]);

/** Hono's own HTTPExceptions (malformed JSON...) get the same error shape. */
function fromHono(error: unknown): unknown {
  if (!(error instanceof HTTPException)) return error;
  const [status, code] = HONO_CODES.get(error.status) ?? [400, "BAD_REQUEST"];
  return new HttpError(status, code, error.message || "bad request", {
    hint: "send a JSON body with Content-Type: application/json",
  });
}

async function inputOf(c: Context<AppEnv>, target: string): Promise<unknown> {
  if (target === "json") return c.req.json().catch(() => undefined);
  if (target === "param") return c.req.param();
  if (target === "query") return c.req.query();
  return undefined;
}
