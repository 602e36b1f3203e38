/**
 * Readiness: a container counts as ready when its service's health-check
 * path answers (2xx/3xx), or its TCP port opens (data services, services
 * without a path), or its own health check passes: as reported by the
 * engine, or run by us through exec (podman without systemd never runs it).
 * A container that exits, or is not ready by the deadline, fails the step.
 */
import { connect } from "node:net";
import type Docker from "dockerode";
import { ProviderError } from "../../engine/provider.js";
import { apiError } from "./errors.js";
import type { Probe } from "./workload.js";

export interface ReadyOptions {
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  readonly fetch: typeof fetch;
  /** The app network, whose address of the container the probes use when no port is published. */
  readonly network: string;
  /** Where a published port listens (0.0.0.0 is probed on 127.0.0.1). */
  readonly publishHost: string;
  /** For messages: `service web replica 0`. */
  readonly what: string;
  /** For the hint: the app and environment. */
  readonly logsHint: string;
}

/** `unreachable`: the probe could not get to the container at all (not "nothing listens yet"). */
type Check =
  | { readonly ok: true }
  | { readonly ok: false; readonly problem: string; readonly unreachable?: boolean };

const OK: Check = { ok: true };

const UNREACHABLE = new Set(["EHOSTUNREACH", "ENETUNREACH", "ETIMEDOUT", "TimeoutError", "AbortError"]);

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

export function tcpOpen(host: string, port: number, timeoutMs = 1000): Promise<Check> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const finish = (check: Check) => {
      socket.destroy();
      resolve(check);
    };
    socket.setTimeout(timeoutMs, () =>
      finish({ ok: false, problem: `${host}:${port}: no answer`, unreachable: true }),
    );
    socket.once("connect", () => finish(OK));
    socket.once("error", (e: NodeJS.ErrnoException) => {
      const code = e.code ?? e.message;
      finish({ ok: false, problem: `${host}:${port}: ${code}`, unreachable: UNREACHABLE.has(code) });
    });
  });
}

export async function httpAnswers(
  doFetch: typeof fetch,
  url: string,
  signal: AbortSignal,
  accept: (status: number) => boolean = (s) => s >= 200 && s < 400,
): Promise<Check> {
  try {
    const response = await doFetch(url, {
      redirect: "manual",
      signal: AbortSignal.any([signal, AbortSignal.timeout(2000)]),
    });
    await response.body?.cancel();
    return accept(response.status) ? OK : { ok: false, problem: `GET ${url} answered ${response.status}` };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    const code =
      cause && typeof cause === "object" && "code" in cause
        ? String(cause.code)
        : cause instanceof Error
          ? cause.name
          : String(cause);
    return { ok: false, problem: `GET ${url} failed: ${code}`, unreachable: UNREACHABLE.has(code) };
  }
}

/** Runs the container's own health check through exec; exit code 0 passes. */
export async function execHealthcheck(container: Docker.Container, test: readonly string[]): Promise<Check> {
  const cmd =
    test[0] === "CMD" ? test.slice(1) : test[0] === "CMD-SHELL" ? ["/bin/sh", "-c", test[1] ?? ""] : [];
  if (cmd.length === 0) return { ok: false, problem: "no health check to run" };
  try {
    const exec = await container.exec({ Cmd: [...cmd], AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({ hijack: true, stdin: false });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        stream.destroy();
        resolve();
      }, 5000);
      stream.on("data", () => {});
      stream.once("end", () => {
        clearTimeout(timer);
        resolve();
      });
      stream.once("error", () => resolve());
    });
    const code = (await exec.inspect()).ExitCode;
    return code === 0 ? OK : { ok: false, problem: `health check exited with ${code}` };
  } catch (error) {
    return { ok: false, problem: `health check could not run: ${apiError("exec", error).message}` };
  }
}

function target(info: Docker.ContainerInspectInfo, probe: Probe, o: ReadyOptions): string | undefined {
  if (probe.type === "running") return undefined;
  const bound = info.NetworkSettings.Ports?.[`${probe.port}/tcp`]?.[0];
  if (bound?.HostPort) {
    const host =
      bound.HostIp && bound.HostIp !== "0.0.0.0"
        ? bound.HostIp
        : o.publishHost === "0.0.0.0"
          ? "127.0.0.1"
          : o.publishHost;
    return `${host.includes(":") ? `[${host}]` : host}:${bound.HostPort}`;
  }
  const ip = info.NetworkSettings.Networks?.[o.network]?.IPAddress;
  return ip ? `${ip}:${probe.port}` : undefined;
}

async function probeOnce(info: Docker.ContainerInspectInfo, probe: Probe, o: ReadyOptions): Promise<Check> {
  const where = target(info, probe, o);
  if (probe.type === "running") return OK;
  if (!where) return { ok: false, problem: "the container has no address to probe", unreachable: true };
  if (probe.type === "http") return httpAnswers(o.fetch, `http://${where}${probe.path}`, o.signal);
  const colon = where.lastIndexOf(":");
  return tcpOpen(where.slice(0, colon).replace(/^\[|\]$/g, ""), Number(where.slice(colon + 1)));
}

function ownHealthcheck(info: Docker.ContainerInspectInfo): readonly string[] | undefined {
  const test = info.Config.Healthcheck?.Test;
  return test && test.length > 0 && test[0] !== "NONE" ? test : undefined;
}

/** One look at the container: ready, still waiting (with why), or a failure that waiting cannot fix. */
async function look(
  container: Docker.Container,
  probe: Probe,
  o: ReadyOptions,
  poll: number,
): Promise<Check> {
  let info: Docker.ContainerInspectInfo;
  try {
    info = await container.inspect({ abortSignal: o.signal });
  } catch (error) {
    throw apiError(`inspecting ${o.what}`, error);
  }
  const state = info.State;
  if (state.Status === "exited" || state.Status === "dead" || (state.Restarting && info.RestartCount >= 3)) {
    throw new ProviderError(
      "CONTAINER_EXITED",
      `${o.what} stopped (exit code ${state.ExitCode}) instead of starting`,
      {
        hint: `see its output with \`codeploy logs ${o.logsHint}\``,
      },
    );
  }
  if (!state.Running) return { ok: false, problem: `the container is ${state.Status}` };
  if (state.Health?.Status === "healthy") return OK;
  const own = ownHealthcheck(info);
  const check: Check =
    probe.type === "running" && own
      ? { ok: false, problem: "own health check pending", unreachable: true }
      : await probeOnce(info, probe, o);
  // When the probe cannot reach the container (Docker Desktop, rootless podman: no route to its
  // address), run its own health check through exec instead, every fourth look: engines without
  // a scheduler for health checks (podman without systemd) never report "healthy" themselves.
  if (check.ok || !own || !check.unreachable || poll % 4 !== 3) return check;
  const mine = await execHealthcheck(container, own);
  return mine.ok ? OK : { ok: false, problem: `${check.problem}; ${mine.problem}` };
}

export async function waitReady(container: Docker.Container, probe: Probe, o: ReadyOptions): Promise<void> {
  const deadline = Date.now() + o.timeoutMs;
  for (let poll = 0; ; poll++) {
    if (o.signal.aborted) throw new ProviderError("ABORTED", `waiting for ${o.what}: aborted`);
    const check = await look(container, probe, o, poll);
    if (check.ok) return;
    if (Date.now() >= deadline) {
      throw new ProviderError(
        "HEALTH_TIMEOUT",
        `${o.what} did not become ready in ${Math.round(o.timeoutMs / 1000)} s (${check.problem})`,
        {
          retryable: false,
          hint: `see its output with \`codeploy logs ${o.logsHint}\`; the healthCheck path must answer 2xx or 3xx`,
        },
      );
    }
    await sleep(Math.min(1000, 100 * 1.5 ** poll), o.signal);
  }
}
