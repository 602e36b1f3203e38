/**
 * Images: use what the engine already has (inspect first: a pull with no
 * registry reachable can hang), else pull with a deadline and progress lines.
 * A failed pull does not fail the HTTP call: each progress event is checked
 * for `error`.
 *
 * A failed pull says "image X is not available" with a reason in our words
 * (no such image, registry unreachable, access refused); the engine's own text
 * (addresses, DNS answers, proxy and TLS details of the server's network) goes
 * only to `diagnose` (the server log, or stderr with CODEPLOY_DEBUG) and to the
 * error's `cause`, never to events, records or API answers.
 */
import type Docker from "dockerode";
import { ProviderError } from "../../engine/provider.js";
import { apiError, engineMessage, isNotFound, statusOf } from "./errors.js";

export interface ImageOptions {
  readonly signal: AbortSignal;
  readonly log: (message: string) => void;
  readonly pullTimeoutMs: number;
  /** Minimum time between two progress lines. @default 2000 */
  readonly progressEveryMs?: number;
  /** Where the engine's own words about a failed pull go. @default dropped */
  readonly diagnose?: (message: string) => void;
}

interface PullEvent {
  readonly status?: string;
  readonly id?: string;
  readonly error?: string;
  readonly errorDetail?: { readonly message?: string };
  readonly progressDetail?: { readonly current?: number; readonly total?: number };
}

/** The local image id of `image`, or undefined when the engine does not have it. */
export async function localImageId(docker: Docker, image: string): Promise<string | undefined> {
  try {
    return (await docker.getImage(image).inspect()).Id;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw apiError(`inspecting image ${image}`, error);
  }
}

/** The lowest TCP port the image declares with EXPOSE (its config's ExposedPorts), if any. */
export async function exposedPort(docker: Docker, imageId: string): Promise<number | undefined> {
  let info: Docker.ImageInspectInfo;
  try {
    info = await docker.getImage(imageId).inspect();
  } catch (error) {
    throw apiError(`inspecting image ${imageId.slice(0, 19)}`, error);
  }
  const ports = Object.keys(info.Config?.ExposedPorts ?? {})
    .map((key) => /^(\d+)(?:\/tcp)?$/.exec(key))
    .map((m) => Number(m?.[1]))
    .filter((p) => Number.isInteger(p) && p >= 1 && p <= 65535);
  return ports.length > 0 ? Math.min(...ports) : undefined;
}

/** The id of `image`, pulled first when the engine does not have it. */
export async function ensureImage(docker: Docker, image: string, options: ImageOptions): Promise<string> {
  const present = await localImageId(docker, image);
  if (present) return present;
  await pullImage(docker, image, options);
  const pulled = await localImageId(docker, image);
  if (!pulled) {
    throw new ProviderError("IMAGE_PULL_FAILED", `pulled ${image}, but the engine does not list it`, {
      hint: `try \`docker pull ${image}\` by hand`,
    });
  }
  return pulled;
}

/** The engine's words sorted into what a caller may be told. */
export function pullReason(engineText: string, status?: number): string {
  if (
    status === 404 ||
    /manifest unknown|not found|no such image|does not exist|name unknown/i.test(engineText)
  )
    return "the registry does not have it";
  if (
    status === 401 ||
    status === 403 ||
    /unauthori[sz]ed|denied|forbidden|authentication required/i.test(engineText)
  )
    return "the registry refused access to it";
  if (
    /dial|lookup|no such host|connection refused|network is unreachable|timeout|tls|x509|certificate|EOF|reset/i.test(
      engineText,
    )
  )
    return "its registry cannot be reached from the engine";
  return "the engine could not pull it";
}

function pullFailed(
  image: string,
  engineText: string,
  options: ImageOptions,
  status?: number,
): ProviderError {
  options.diagnose?.(`pulling ${image} failed: ${engineText}`);
  return new ProviderError(
    "IMAGE_PULL_FAILED",
    `image ${image} is not available: ${pullReason(engineText, status)}`,
    {
      retryable: false,
      hint: `check the image name and tag and that its registry is reachable from the engine (\`docker pull ${image}\`), or build or load it locally`,
      cause: new Error(engineText),
    },
  );
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

class Progress {
  private readonly layers = new Map<string, { current: number; total: number; done: boolean }>();
  private last = 0;

  constructor(
    private readonly image: string,
    private readonly options: ImageOptions,
  ) {}

  add(event: PullEvent): void {
    if (event.id) {
      const layer = this.layers.get(event.id) ?? { current: 0, total: 0, done: false };
      if (event.progressDetail?.total) layer.total = event.progressDetail.total;
      if (event.progressDetail?.current) layer.current = event.progressDetail.current;
      if (/complete|already exists/i.test(event.status ?? "")) layer.done = true;
      this.layers.set(event.id, layer);
    }
    const now = Date.now();
    if (now - this.last < (this.options.progressEveryMs ?? 2000)) return;
    this.last = now;
    this.options.log(this.line());
  }

  line(): string {
    const all = [...this.layers.values()];
    const done = all.filter((l) => l.done).length;
    const current = all.reduce((n, l) => n + l.current, 0);
    const total = all.reduce((n, l) => n + l.total, 0);
    const bytes = total > 0 ? `${mb(current)} of ${mb(total)}, ` : "";
    return `pulling ${this.image}: ${bytes}${done}/${all.length} layers done`;
  }
}

/** Reads the pull's JSON lines; rejects on the first event that carries an error. */
function follow(
  stream: NodeJS.ReadableStream,
  image: string,
  progress: Progress,
  options: ImageOptions,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let buffer = "";
    let settled = false;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      if (error) reject(error);
      else resolve();
    };
    stream.on("data", (chunk: Buffer | string) => {
      buffer += chunk.toString();
      let nl = buffer.indexOf("\n");
      while (nl >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        nl = buffer.indexOf("\n");
        if (line === "") continue;
        let event: PullEvent;
        try {
          event = JSON.parse(line) as PullEvent;
        } catch {
          continue;
        }
        const error = event.error ?? event.errorDetail?.message;
        if (error) settle(pullFailed(image, error, options));
        else progress.add(event);
      }
    });
    stream.on("error", (error: Error) => settle(error));
    stream.on("end", () => settle());
    stream.on("close", () => settle());
  });
}

export async function pullImage(docker: Docker, image: string, options: ImageOptions): Promise<void> {
  const started = Date.now();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.pullTimeoutMs);
  const onAbort = () => controller.abort();
  options.signal.addEventListener("abort", onAbort, { once: true });
  options.log(`pulling ${image} (not present on the engine)`);
  let stream: NodeJS.ReadableStream | undefined;
  try {
    stream = await docker.pull(image, { abortSignal: controller.signal });
    const open = stream;
    controller.signal.addEventListener("abort", () => destroy(open), { once: true });
    await follow(open, image, new Progress(image, options), options);
    if (controller.signal.aborted) throw new Error("aborted");
    options.log(`pulled ${image} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    throw pullError(image, error, options, controller.signal.aborted);
  } finally {
    clearTimeout(timer);
    options.signal.removeEventListener("abort", onAbort);
    // A pull that failed mid-stream (an error event) may still hold the connection.
    if (stream) destroy(stream);
  }
}

function pullError(image: string, error: unknown, options: ImageOptions, timedOut: boolean): ProviderError {
  if (error instanceof ProviderError) return error;
  if (options.signal.aborted) return new ProviderError("ABORTED", `pulling ${image}: aborted`);
  if (timedOut) {
    return new ProviderError(
      "IMAGE_PULL_TIMEOUT",
      `image ${image} is not available: pulling it did not finish in ${Math.round(options.pullTimeoutMs / 1000)} s`,
      {
        retryable: false,
        hint: `is a registry reachable from the engine? Load the image by hand (docker pull / docker load ${image}) or raise the pull deadline`,
      },
    );
  }
  // Losing the engine itself is no news about the image (and is worth a retry).
  const api = apiError(`pulling ${image}`, error);
  if (api.code === "DOCKER_CONNECTION" || api.code === "ABORTED") return api;
  return pullFailed(image, engineMessage(error), options, statusOf(error));
}

function destroy(stream: NodeJS.ReadableStream): void {
  if ("destroy" in stream && typeof stream.destroy === "function") stream.destroy();
}
