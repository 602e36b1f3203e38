/**
 * What every step of one provider instance shares: the engine connection
 * (made on first use), settings with their defaults, one pull per image at a
 * time, and a lock per component (bucket steps share one object store).
 */
import type Docker from "dockerode";
import type { StepContext } from "../../engine/provider.js";
import type { ConnectOptions, DockerConnection } from "./connect.js";
import { redact } from "./errors.js";
import { ensureImage } from "./images.js";
import { envFileOf } from "./interpolate.js";

export interface DockerProviderOptions extends Omit<ConnectOptions, "signal"> {
  /** Address that public services publish their ports on. @default "127.0.0.1" */
  readonly publishHost?: string;
  /** Deadline of one image pull (offline pulls can hang). @default 300_000 */
  readonly pullTimeoutMs?: number;
  /** How long a container may take to become ready. @default 120_000 */
  readonly healthTimeoutMs?: number;
  /** Grace period between SIGTERM and SIGKILL when a container stops. @default 10 */
  readonly stopTimeoutSeconds?: number;
  /** Removing a data component (and destroy) also removes its volume. @default false */
  readonly purgeData?: boolean;
  /** For HTTP health checks and endpoint checks. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** An engine client to use instead of connecting (tests, embedding). */
  readonly docker?: Docker;
  /**
   * Where the engine's own words go when they are kept out of events and API
   * answers (a failed pull's network error): the server log, or stderr with
   * CODEPLOY_DEBUG. @default dropped
   */
  readonly diagnose?: (message: string) => void;
}

export interface Settings {
  readonly publishHost: string;
  readonly pullTimeoutMs: number;
  readonly healthTimeoutMs: number;
  readonly stopTimeoutSeconds: number;
  readonly purgeData: boolean;
  readonly fetch: typeof fetch;
}

export class Session {
  readonly settings: Settings;
  private connection: Promise<DockerConnection> | undefined;
  private readonly pulls = new Map<string, Promise<string>>();
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(private readonly options: DockerProviderOptions) {
    this.settings = {
      publishHost: options.publishHost ?? "127.0.0.1",
      pullTimeoutMs: options.pullTimeoutMs ?? 300_000,
      healthTimeoutMs: options.healthTimeoutMs ?? 120_000,
      stopTimeoutSeconds: options.stopTimeoutSeconds ?? 10,
      purgeData: options.purgeData ?? false,
      fetch: options.fetch ?? globalThis.fetch,
    };
  }

  /** The engine; a failed connection is forgotten, so the next step tries again. */
  async engine(signal?: AbortSignal): Promise<DockerConnection> {
    if (this.options.docker) return { docker: this.options.docker, endpoint: "(given)", engine: "(given)" };
    if (!this.connection) {
      const { docker: _docker, ...connect } = this.options;
      // Loaded on first use: dockerode takes 200-400 ms to import, and the registry is loaded by every command.
      this.connection = import("./connect.js").then((m) =>
        m.connectDocker({ ...connect, ...(signal ? { signal } : {}) }),
      );
      this.connection.catch(() => {
        this.connection = undefined;
      });
    }
    return this.connection;
  }

  async docker(signal?: AbortSignal): Promise<Docker> {
    return (await this.engine(signal)).docker;
  }

  /** The image's id, pulled at most once at a time however many steps ask. */
  async image(image: string, ctx: StepContext): Promise<string> {
    const docker = await this.docker(ctx.signal);
    const inflight = this.pulls.get(image);
    if (inflight) return inflight;
    const pull = ensureImage(docker, image, {
      signal: ctx.signal,
      log: ctx.log,
      pullTimeoutMs: this.settings.pullTimeoutMs,
      ...(this.options.diagnose ? { diagnose: this.options.diagnose } : {}),
    }).finally(() => this.pulls.delete(image));
    this.pulls.set(image, pull);
    return pull;
  }

  /** Runs `fn` after every earlier holder of `key` has finished. */
  async exclusive<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const before = this.locks.get(key) ?? Promise.resolve();
    const run = before.then(fn, fn);
    const tail = run.catch(() => {});
    this.locks.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    }
  }
}

/** A step's log with the generated passwords taken out of every line. */
export function safeLog(ctx: StepContext): (message: string) => void {
  const secrets = [...envFileOf(ctx.artifacts.files).values()];
  return (message) => ctx.log(redact(message, secrets));
}
