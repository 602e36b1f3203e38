/**
 * A server on a real SQLite store in a temp folder, with the null provider
 * forced, keys of every role, and helpers to seed deployments through the
 * real engine.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configSchema, type ServerConfig } from "../../core/config.js";
import { deploy } from "../../engine/deploy.js";
import { createNullProvider } from "../../providers/null/index.js";
import { hashArtifacts, render } from "../../render/index.js";
import { createApiClient } from "../../service/api-client.js";
import { createHttpService } from "../../service/http.js";
import type { CodeService } from "../../service/types.js";
import { validateSpec } from "../../spec/validate.js";
import { openStateStore } from "../../state/store.js";
import type { Deployment, StateStore } from "../../state/types.js";
import { type AppOptions, type CodeployApp, createApp } from "../app.js";
import { silentLogger } from "../logger.js";
import { providerResolver } from "../providers.js";

export interface Harness {
  readonly store: StateStore;
  readonly home: string;
  readonly api: CodeployApp;
  /** Issues a request with `token` as the bearer. */
  request(path: string, init?: RequestInit & { token?: string; json?: unknown }): Promise<Response>;
  /** Applies a small spec through the engine (null provider) and returns its deployment. */
  seed(app: string, environment: string, image?: string): Promise<Deployment>;
  close(): Promise<void>;
}

export function serverConfig(overrides: Record<string, unknown> = {}): ServerConfig {
  return configSchema.parse({ server: overrides }).server;
}

export async function startHarness(
  options: Partial<AppOptions> & { delayMs?: number; store?: StateStore } = {},
): Promise<Harness> {
  const home = await mkdtemp(join(tmpdir(), "codeploy-server-"));
  const store = options.store ?? (await openStateStore({ home }));
  const api = createApp({
    logger: silentLogger,
    providers: providerResolver({
      forced: "null",
      requestable: options.config?.requestProviders ?? [],
      settings: { null: { delayMs: options.delayMs ?? 0 } },
    }),
    // Planning in-process keeps the many small app tests fast; event-loop.test.ts runs the worker pool.
    config: serverConfig({ rateLimit: { requestsPerMinute: 1_000_000, burst: 1_000_000 }, planWorkers: 0 }),
    ...options,
    store,
  });
  return {
    store,
    home,
    api,
    request: (path, init = {}) => {
      const { token, json, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (token !== undefined) headers.set("authorization", `Bearer ${token}`);
      if (json !== undefined) headers.set("content-type", "application/json");
      return Promise.resolve(
        api.app.request(path, {
          ...rest,
          headers,
          ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
        }),
      );
    },
    async seed(app, environment, image = "nginx:1.27") {
      const spec = validateSpec({ name: app, environment, services: [{ name: "web", image, port: 80 }] });
      const outcome = await deploy(
        { spec, actor: "seed" },
        {
          store,
          providerFor: () => createNullProvider(),
          render: (s) => render(s, { secretSeed: "test" }),
          hashArtifacts,
        },
      );
      return outcome.deployment;
    },
    async close() {
      await api.shutdown(0);
      await api.close();
      await store.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}

export type RoleName = "viewer" | "deployer" | "admin";

/** Creates a key and returns the token. */
export async function keyFor(
  store: StateStore,
  name: string,
  role: RoleName,
  environments: readonly string[] = [],
): Promise<string> {
  return (await store.apiKeys.create({ name, role, environments, createdBy: "test" })).token;
}

/** The HTTP service (what `--server` uses) talking to an in-process app with `token`, no socket. */
export function httpServiceOf(app: Pick<CodeployApp["app"], "request">, token: string): CodeService {
  return createHttpService(
    createApiClient({
      baseUrl: "http://codeploy.test",
      token,
      fetch: (input, init) => Promise.resolve(app.request(String(input), init)),
    }),
    "http://codeploy.test",
  );
}
