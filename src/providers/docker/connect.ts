/**
 * Finds a Docker Engine API to talk to: DOCKER_HOST when set (alone, as the
 * docker CLI does: a host named on purpose is never swapped for another),
 * else the usual sockets of Docker, rootless podman and rootful podman. When
 * none answers, the error lists what was tried and how to start an engine.
 */
import Docker from "dockerode";
import { ProviderError } from "../../engine/provider.js";
import { engineMessage, errnoOf } from "./errors.js";

export interface ConnectOptions {
  /** A DOCKER_HOST value: `unix:///path.sock`, `tcp://host:2375`, `npipe:////./pipe/docker_engine`. */
  readonly host?: string;
  /** A socket to use instead of DOCKER_HOST and the usual places. */
  readonly socketPath?: string;
  /** $XDG_RUNTIME_DIR, where rootless podman keeps its socket. @default /run/user/<uid> */
  readonly xdgRuntimeDir?: string;
  /** Deadline of each ping. @default 3000 */
  readonly timeoutMs?: number;
  /**
   * How long to keep trying an engine that is there but busy (a ping timing out, a connection
   * refused or reset), with backoff between rounds; an engine that is absent fails at once.
   * @default 30_000
   */
  readonly connectTimeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface Candidate {
  /** How the candidate is shown in messages, such as `/var/run/docker.sock`. */
  readonly label: string;
  readonly options: Docker.DockerOptions;
}

export interface DockerConnection {
  readonly docker: Docker;
  /** The candidate that answered. */
  readonly endpoint: string;
  /** "Docker Engine 27.3.1", "Podman Engine 4.3.1"... */
  readonly engine: string;
}

/** DOCKER_HOST to dockerode options; ssh:// needs the optional ssh2 build, which codeploy leaves out. */
export function parseDockerHost(host: string): Docker.DockerOptions {
  if (host.startsWith("unix://")) return { socketPath: host.slice("unix://".length) };
  if (host.startsWith("npipe://")) return { socketPath: host.slice("npipe://".length) };
  const tcp = /^(tcp|http|https):\/\/([^:/]+|\[[^\]]+\])(?::(\d+))?\/?$/.exec(host);
  if (tcp) {
    const https = tcp[1] === "https";
    return {
      protocol: https ? "https" : "http",
      host: tcp[2] ?? "",
      port: tcp[3] ?? (https ? "2376" : "2375"),
    };
  }
  throw new ProviderError("DOCKER_HOST_UNSUPPORTED", `DOCKER_HOST=${host} is not a form codeploy can use`, {
    hint: "use unix:///path/to/docker.sock or tcp://host:2375 (for ssh://, forward the socket: ssh -L /tmp/docker.sock:/var/run/docker.sock host)",
  });
}

export function dockerCandidates(options: ConnectOptions = {}): Candidate[] {
  if (options.socketPath) return [{ label: options.socketPath, options: { socketPath: options.socketPath } }];
  if (options.host) return [{ label: `DOCKER_HOST=${options.host}`, options: parseDockerHost(options.host) }];
  const runtime = options.xdgRuntimeDir ?? `/run/user/${process.getuid?.() ?? 0}`;
  const sockets = [
    "/var/run/docker.sock",
    `${runtime}/podman/podman.sock`,
    "/run/podman/podman.sock",
    `${runtime}/docker.sock`,
  ];
  return [...new Set(sockets)].map((socketPath) => ({ label: socketPath, options: { socketPath } }));
}

function why(error: unknown): string {
  const errno = errnoOf(error);
  if (errno === "ENOENT") return "no such socket";
  if (errno === "ECONNREFUSED") return "nothing listens there";
  if (errno === "EACCES") return "permission denied";
  if (error instanceof Error && /timeout|timed out/i.test(error.message)) return "no answer in time";
  return engineMessage(error);
}

/** A busy engine or one restarting (socket activation): worth another try within the deadline. */
function transient(error: unknown): boolean {
  const errno = errnoOf(error);
  if (
    errno &&
    ["ECONNREFUSED", "ECONNRESET", "EPIPE", "EAGAIN", "ETIMEDOUT", "ESOCKETTIMEDOUT"].includes(errno)
  )
    return true;
  return error instanceof Error && /timeout|timed out|socket hang up/i.test(error.message);
}

async function ping(
  candidate: Candidate,
  options: ConnectOptions,
  timeoutMs: number,
): Promise<DockerConnection> {
  // A request timeout on a throwaway client: the one handed out must not time out pulls or followed logs.
  const probe = new Docker({ ...candidate.options, timeout: timeoutMs });
  const answer: unknown = await abortable(probe.ping(), options.signal);
  const text = Buffer.isBuffer(answer) ? answer.toString() : String(answer);
  if (text.trim() !== "OK") throw new Error("answered, but not as a Docker Engine API");
  const version = await abortable(probe.version(), options.signal);
  const podman = version.Components?.find((c) => /podman/i.test(c.Name));
  const engine = podman ? `Podman Engine ${podman.Version}` : `Docker Engine ${version.Version}`;
  return { docker: new Docker(candidate.options), endpoint: candidate.label, engine };
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new ProviderError("ABORTED", "connecting to the engine: aborted"));
    if (signal.aborted) onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** Backoff between rounds: 250 ms, doubling, at most 2 s. */
const backoffMs = (round: number) => Math.min(2000, 250 * 2 ** round);

const sleep = (ms: number, signal: AbortSignal | undefined) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });

/**
 * The first engine that answers a ping. Candidates that failed for a passing reason (busy,
 * restarting) are tried again with backoff until `connectTimeoutMs`; DOCKER_UNREACHABLE (with
 * what was tried) when none answers, retryable when the engine was there but busy.
 */
export async function connectDocker(options: ConnectOptions = {}): Promise<DockerConnection> {
  const candidates = dockerCandidates(options);
  const deadline = Date.now() + (options.connectTimeoutMs ?? 30_000);
  const pingMs = options.timeoutMs ?? 3000;
  let tried: string[] = [];
  let busy = false;
  for (let round = 0; round < 1000; round++) {
    tried = [];
    busy = false;
    for (const candidate of candidates) {
      try {
        const left = Math.max(250, Math.min(pingMs, deadline - Date.now()));
        return await ping(candidate, options, left);
      } catch (error) {
        if (options.signal?.aborted) throw new ProviderError("ABORTED", "connecting to the engine: aborted");
        busy ||= transient(error);
        tried.push(`${candidate.label} (${why(error)})`);
      }
    }
    const wait = backoffMs(round);
    if (!busy || Date.now() + wait >= deadline) break;
    await sleep(wait, options.signal);
  }
  throw new ProviderError("DOCKER_UNREACHABLE", `no Docker Engine API answered; tried: ${tried.join(", ")}`, {
    retryable: busy,
    hint: busy
      ? "the engine is there but did not answer in time (busy?): raise providers.docker.connectTimeoutSeconds, or retry"
      : "start one: Docker Desktop, or `sudo systemctl start docker`; or podman: `systemctl --user start podman.socket` " +
        "(or `podman system service --time=0 unix://$XDG_RUNTIME_DIR/podman/podman.sock &`); " +
        "or point DOCKER_HOST at a running engine",
  });
}
