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
import { PROVIDER_NAMES, type ProviderName } from "../../providers/names.js";
import type { ServerLogger } from "../../server/logger.js";
import type { RateLimiter } from "../../server/rate-limit.js";
import type { RunningServer } from "../../server/server.js";
import type { CommitFeed } from "../../state/commit-feed.js";
import type { StateStore } from "../../state/types.js";
import { EXIT_OK } from "../exit.js";
import type { CliIo } from "../io.js";
import { packageVersion } from "../version.js";
import { registerKeysCommands, type WithService } from "./keys.js";

export interface ServeFlags {
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

/** The server on the CLI's store and configuration; secrets and URLs from the environment. */
async function start(io: CliIo, flags: ServeFlags, config: CodeployConfig, store: StateStore) {
  const [
    { renderSettings },
    { policySettings },
    { secretSeed },
    { jsonLogger },
    { providerResolver },
    { startServer },
    { homeOf },
    { providerSettings },
    { interpreterFromConfig },
    { gitopsTarget },
    { dashboard },
  ] = await Promise.all([
    import("../settings.js"),
    import("../policy-settings.js"),
    import("../secret-seed.js"),
    import("../../server/logger.js"),
    import("../../server/providers.js"),
    import("../../server/server.js"),
    import("../session.js"),
    import("../provider-settings.js"),
    import("../../intent/llm/index.js"),
    import("../../gitops/index.js"),
    import("../../dashboard/index.js"),
  ]);
  const gitops = gitopsTarget(config.gitops, {
    env: io.env,
    home: homeOf(io, config),
    baseDir: config.baseDir,
  });
  const logger = jsonLogger(io.stderr);
  const interpreter = interpreterFromConfig(config, io.env, {}, { maxRetries: config.llm.maxRetries });
  const jwksUrl = io.env.CODEPLOY_JWT_JWKS_URL ?? config.server.jwt.jwksUrl;
  const feed = await commitFeed(io, store, logger);
  const server = await startServer({
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
    dashboard: dashboard(),
    ...(io.env.CODEPLOY_JWT_SECRET ? { jwtSecret: io.env.CODEPLOY_JWT_SECRET } : {}),
    ...(feed ? { commitFeed: feed } : {}),
  }).catch(async (error: unknown) => {
    await feed?.close();
    throw error;
  });
  return { server, interpreter: interpreter.name, feed };
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
    .action(async (opts: { port: number; host: string; provider?: ProviderName }) => {
      const config = configOf();
      setExit(await serveCommand(io, { ...opts, ...(config ? { config } : {}) }));
    });
  registerKeysCommands(program, io, setExit, withService);
}
