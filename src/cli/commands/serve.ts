/**
 * `codeploy serve`: the HTTP API on the same store and configuration as the
 * CLI. REDIS_URL shares rate limits between several servers; DATABASE_URL
 * shares the state; CODEPLOY_JWT_SECRET enables HS256 JWTs. SIGTERM/SIGINT
 * stop it gracefully (running deployments get server.shutdownGraceSeconds
 * to finish, then are cancelled); a second signal exits at once.
 */
// Only light modules at the top: cli/main.ts imports this file on every start; the server is imported when it runs.
import { type Command, InvalidArgumentError, Option } from "commander";
import type { CodeployConfig, ServerConfig } from "../../core/config.js";
import { CodeError } from "../../core/errors.js";
import { PROVIDER_NAMES, type ProviderName } from "../../providers/names.js";
import type { ServerLogger } from "../../server/logger.js";
import type { RateLimiter } from "../../server/rate-limit.js";
import type { RunningServer, StartOptions } from "../../server/server.js";
import type { CommitFeed } from "../../state/commit-feed.js";
import type { StateStore } from "../../state/types.js";
import { EXIT_OK } from "../exit.js";
import type { CliIo } from "../io.js";
import { packageVersion } from "../version.js";
import { registerKeysCommands, type WithService } from "./keys.js";

export type ServeRole = "all" | "api" | "worker";
export const SERVE_ROLES: readonly ServeRole[] = ["all", "api", "worker"];

export interface ServeFlags {
  /** all: API and deployments in this process; api: queue applies for workers; worker: run queued ones. @default "all" */
  readonly role?: ServeRole;
  readonly port?: number;
  readonly host?: string;
  readonly provider?: ProviderName;
  readonly config?: string;
}

/** Resolves with the signal's name when the server should stop; `onSecond` runs on a second one. */
export type StopSignal = (onSecond: () => void) => Promise<string>;

export const processStopSignal: StopSignal = (onSecond) =>
  new Promise((resolve) => {
    let count = 0;
    const handler = (name: NodeJS.Signals) => {
      count++;
      if (count === 1) resolve(name);
      else onSecond();
    };
    process.on("SIGINT", handler);
    process.on("SIGTERM", handler);
  });

export async function serveCommand(
  io: CliIo,
  flags: ServeFlags,
  stopSignal: StopSignal = processStopSignal,
): Promise<number> {
  const [{ loadCliConfig }, { openStore }] = await Promise.all([
    import("../settings.js"),
    import("../session.js"),
    import("../provider-settings.js"),
  ]);
  const config = await loadCliConfig(io, flags.config);
  const store = await openStore(io, config);
  const role = flags.role ?? "all";
  if (role !== "all" && store.dialect !== "postgres") {
    await store.close();
    throw new CodeError(
      "USAGE",
      `--role ${role} needs the Postgres state store: API servers and workers share its queue`,
      {
        hint: "a team sets DATABASE_URL=postgres://user:password@host:5432/db on every API server and worker; without it run `codeploy serve` (role all)",
      },
    );
  }
  if (role === "worker") return workerCommand(io, flags, config, store, stopSignal);
  let server: RunningServer | undefined;
  let feed: CommitFeed | undefined;
  try {
    const started = await start(io, flags, config, store);
    server = started.server;
    feed = started.feed;
    io.stdout(`codeploy serve: listening on ${server.url} (API docs at ${server.url}/docs)\n`);
    io.stdout(`requests in words are read by: ${started.interpreter}\n`);
    await hints(io, server, store, config.server, flags);
    const name = await stopSignal(() => {
      io.stderr("second signal: exiting now; running deployments will show as interrupted\n");
      process.exit(130);
    });
    const grace = config.server.shutdownGraceSeconds;
    io.stderr(
      `${name}: stopping; ${server.api.runs.size} running deployment(s) get up to ${grace} s to finish\n`,
    );
    const report = await server.close(grace * 1000);
    io.stderr(`stopped: ${report.finished} deployment(s) finished, ${report.cancelled} cancelled\n`);
    return EXIT_OK;
  } finally {
    await server?.close(0);
    await feed?.close();
    await store.close();
  }
}

/** `codeploy worker`: claims queued deployments until a signal drains it. */
async function workerCommand(
  io: CliIo,
  flags: ServeFlags,
  config: CodeployConfig,
  store: StateStore,
  stopSignal: StopSignal,
): Promise<number> {
  const { startWorker } = await import("../../server/worker.js");
  let worker: Awaited<ReturnType<typeof startWorker>> | undefined;
  try {
    const { options } = await serverOptions(io, flags, config, store);
    const queue = config.server.queue;
    worker = await startWorker({
      ...options,
      worker: {
        concurrency: queue.concurrency,
        leaseMs: Math.round(queue.leaseSeconds * 1000),
        maxAttempts: queue.maxAttempts,
        pollMs: queue.pollMs,
      },
    });
    io.stdout(`codeploy worker ${worker.name}: claiming deployments; probes and metrics on ${worker.url}\n`);
    const name = await stopSignal(() => {
      io.stderr("second signal: exiting now; running deployments are retried once their lease runs out\n");
      process.exit(130);
    });
    const grace = config.server.shutdownGraceSeconds;
    io.stderr(
      `${name}: draining; ${worker.queue.running} running deployment(s) get up to ${grace} s to finish\n`,
    );
    const report = await worker.close(grace * 1000);
    io.stderr(`stopped: ${report.finished} deployment(s) finished, ${report.handedBack} handed back\n`);
    return EXIT_OK;
  } finally {
    await worker?.close(0);
    await store.close();
  }
}

/** The server on the CLI's store and configuration; secrets and URLs from the environment. */
async function start(io: CliIo, flags: ServeFlags, config: CodeployConfig, store: StateStore) {
  const [{ startServer }, { dashboard }, { storedSessionStore }, built] = await Promise.all([
    import("../../server/server.js"),
    import("../../dashboard/index.js"),
    import("../../dashboard/session-store.js"),
    serverOptions(io, flags, config, store),
  ]);
  // Sessions live in the state store on SQLite too: one code path, they survive a restart, and a
  // read is one primary-key lookup next to the key check every dashboard request makes anyway.
  const sessions = storedSessionStore(store.sessions, { seed: built.options.renderOptions.secretSeed });
  const feed = await commitFeed(io, store, built.logger);
  const server = await startServer({
    ...built.options,
    dashboard: dashboard({ sessions }),
    ...(flags.role === "api" ? { role: "api" as const } : {}),
    ...(feed ? { commitFeed: feed } : {}),
  }).catch(async (error: unknown) => {
    await feed?.close();
    throw error;
  });
  return { server, interpreter: built.interpreter, feed };
}

/** What an API server and a worker share: store, settings, providers, secrets, interpreter. */
async function serverOptions(io: CliIo, flags: ServeFlags, config: CodeployConfig, store: StateStore) {
  const [
    { renderSettings },
    { policySettings },
    { secretSeed },
    { jsonLogger },
    { providerResolver },
    { homeOf },
    { providerSettings },
    { interpreterFromConfig },
    { gitopsTarget },
  ] = await Promise.all([
    import("../settings.js"),
    import("../policy-settings.js"),
    import("../secret-seed.js"),
    import("../../server/logger.js"),
    import("../../server/providers.js"),
    import("../session.js"),
    import("../provider-settings.js"),
    import("../../intent/llm/index.js"),
    import("../../gitops/index.js"),
  ]);
  const gitops = gitopsTarget(config.gitops, {
    env: io.env,
    home: homeOf(io, config),
    baseDir: config.baseDir,
  });
  const logger = jsonLogger(io.stderr);
  const interpreter = interpreterFromConfig(config, io.env, {}, { maxRetries: config.llm.maxRetries });
  const jwksUrl = io.env.CODEPLOY_JWT_JWKS_URL ?? config.server.jwt.jwksUrl;
  const options = {
    store,
    config: { ...config.server, jwt: { ...config.server.jwt, ...(jwksUrl ? { jwksUrl } : {}) } },
    port: flags.port ?? 8080,
    host: flags.host ?? "127.0.0.1",
    logger,
    renderOptions: { ...renderSettings(config), secretSeed: await secretSeed(io) },
    policy: await policySettings(config),
    providers: providerResolver({
      ...(flags.provider ? { forced: flags.provider } : {}),
      requestable: config.server.requestProviders,
      // Engine details kept out of API answers (a failed pull's network error) go to the server log.
      settings: providerSettings(io, config, {}, (message) => logger.log("warn", message)),
    }),
    interpreter,
    secretEnv: io.env,
    secretScope: config.secrets,
    drift: config.drift,
    ...(config.gitops.watch
      ? {
          gitopsWatch: {
            gitops: { ...config.gitops, watch: config.gitops.watch },
            env: io.env,
            home: homeOf(io, config),
            baseDir: config.baseDir,
          },
        }
      : {}),
    experts: { config: config.experts, env: io.env, clientOptions: { maxRetries: config.llm.maxRetries } },
    video: { config: config.video, env: io.env, home: homeOf(io, config) },
    ...(gitops ? { gitops } : {}),
    rateLimiter: await rateLimiter(io, config.server, logger),
    version: packageVersion(),
    ...(io.env.CODEPLOY_JWT_SECRET ? { jwtSecret: io.env.CODEPLOY_JWT_SECRET } : {}),
  } satisfies StartOptions;
  return { options, interpreter: interpreter.name, logger };
}

/**
 * On Postgres, event streams follow deployments that run in other processes (other servers,
 * workers) through LISTEN/NOTIFY on one dedicated connection; SQLite keeps the in-process path.
 */
async function commitFeed(
  io: CliIo,
  store: StateStore,
  logger: ServerLogger,
): Promise<CommitFeed | undefined> {
  const url = io.env.DATABASE_URL;
  if (store.dialect !== "postgres" || !url) return undefined;
  const { listenForCommits } = await import("../../state/commit-feed-postgres.js");
  return listenForCommits(url, { onError: (message, error) => logger.log("warn", message, { error }) });
}

async function rateLimiter(io: CliIo, config: ServerConfig, logger: ServerLogger): Promise<RateLimiter> {
  const { connectRedis, memoryRateLimiter, redisRateLimiter } = await import("../../server/rate-limit.js");
  const url = io.env.REDIS_URL;
  if (!url) return memoryRateLimiter(config.rateLimit);
  const redis = await connectRedis(url);
  let lastWarning = 0;
  return redisRateLimiter(config.rateLimit, {
    redis,
    onError: (error) => {
      // One line per minute at most while Redis is down: the in-process buckets stand in.
      if (Date.now() - lastWarning < 60_000) return;
      lastWarning = Date.now();
      logger.log("warn", "Redis rate limiter unavailable: using in-process limits", { error });
    },
  });
}

async function hints(
  io: CliIo,
  server: RunningServer,
  store: StateStore,
  config: ServerConfig,
  flags: ServeFlags,
): Promise<void> {
  const keys = (await store.apiKeys.list()).filter((k) => k.state === "active");
  const jwt = io.env.CODEPLOY_JWT_SECRET || io.env.CODEPLOY_JWT_JWKS_URL || config.jwt.jwksUrl;
  if (keys.length === 0 && !jwt) {
    io.stderr("note: no API keys yet: create one with `codeploy keys create --name admin --role admin`\n");
  }
  const host = flags.host ?? "127.0.0.1";
  if (!["127.0.0.1", "::1", "localhost"].includes(host)) {
    io.stderr(`note: ${server.url} is plain HTTP: put a TLS-terminating proxy in front of it\n`);
  }
}

const port = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError("must be a port number 0-65535");
  return n;
};

/** Adds `serve` and `keys` to the program (called once from cli/main.ts). */
export function registerServeCommands(
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
  configOf: () => string | undefined,
  withService: WithService,
): void {
  program
    .command("serve")
    .description("run the HTTP API (OpenAPI at /openapi.json, docs at /docs, metrics at /metrics)")
    .addOption(
      new Option("-p, --port <port>", "port to listen on (0: any free port)").argParser(port).default(8080),
    )
    .option("-H, --host <host>", "address to listen on", "127.0.0.1")
    .addOption(
      new Option(
        "--provider <name>",
        "run every deployment with this provider (null: rehearsal server)",
      ).choices([...PROVIDER_NAMES]),
    )
    .addOption(
      new Option(
        "--role <role>",
        "all: API and deployments here; api: queue applies in Postgres for workers; worker: run queued ones",
      )
        .choices([...SERVE_ROLES])
        .default("all"),
    )
    .action(async (opts: { port: number; host: string; provider?: ProviderName; role: ServeRole }) => {
      const config = configOf();
      setExit(await serveCommand(io, { ...opts, ...(config ? { config } : {}) }));
    });
  program
    .command("worker")
    .description(
      "run queued deployments from Postgres (serve --role worker); /healthz, /readyz and /metrics on --port",
    )
    .addOption(
      new Option("-p, --port <port>", "port for probes and metrics (0: any free port)")
        .argParser(port)
        .default(8080),
    )
    // Loopback by default, as serve: the chart and the team compose file pass --host 0.0.0.0.
    .option("-H, --host <host>", "address for probes and metrics", "127.0.0.1")
    .addOption(
      new Option("--provider <name>", "run every deployment with this provider (null: rehearsal)").choices([
        ...PROVIDER_NAMES,
      ]),
    )
    .action(async (opts: { port: number; host: string; provider?: ProviderName }) => {
      const config = configOf();
      setExit(await serveCommand(io, { ...opts, role: "worker", ...(config ? { config } : {}) }));
    });
  registerKeysCommands(program, io, setExit, withService);
}
