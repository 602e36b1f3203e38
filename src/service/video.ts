/**
 * A tutorial video -> a document, on the service layer. On this machine the
 * input may be a file or a URL; a server reads no file a request names and
 * fetches only public URLs (a caller must not make it read its own disk or
 * reach the networks behind it), and only when `server.video` allows it.
 */
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { join, resolve } from "node:path";
import type { VideoConfig } from "../core/config.js";
import { CodeError } from "../core/errors.js";
import type { VideoDocument, VideoEvent } from "../video/types.js";
import type { Caller } from "./types.js";

export type VideoEngine = "auto" | "captions" | "openai" | "pocketsphinx";

export interface VideoRequest {
  /** A video file where the service runs (this machine only) or an http(s) URL (downloaded with yt-dlp). */
  readonly input: string;
  /** A VTT or SRT file to use as the transcript (this machine only). */
  readonly captions?: string;
  /** ISO 639-1. @default video.language */
  readonly language?: string;
  /** @default video.engine */
  readonly engine?: VideoEngine;
  /** false: neither read nor write the stage cache. @default true */
  readonly cache?: boolean;
}

export interface VideoAnswer {
  readonly document: VideoDocument;
  /** The document as Markdown, as `codeploy video` prints it. */
  readonly markdown: string;
}

export interface VideoHooks {
  readonly signal?: AbortSignal;
  /** Progress per stage. */
  readonly onEvent?: (event: VideoEvent) => void;
}

export interface LocalVideoDeps {
  readonly config: VideoConfig;
  /** Where the transcription key (video.transcription.apiKeyEnv) is read. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** $CODEPLOY_HOME: downloads and the stage cache live under it. */
  readonly home: string;
  /**
   * The CLI: relative paths resolve here and files may be read. Absent (a server):
   * only URLs, and only to public addresses unless `allowPrivateHosts`.
   */
  readonly cwd?: string;
  /** A server fetches URLs only when its configuration says so (server.video). */
  readonly remote?: { readonly enabled: boolean; readonly allowPrivateHosts?: boolean };
}

const isUrl = (input: string) => /^https?:\/\//i.test(input);

/** Loopback, private, link-local, carrier-grade NAT, unique-local and unspecified ranges. */
function privateRanges(): BlockList {
  const list = new BlockList();
  for (const [net, prefix] of [
    ["0.0.0.0", 8],
    ["10.0.0.0", 8],
    ["100.64.0.0", 10],
    ["127.0.0.0", 8],
    ["169.254.0.0", 16],
    ["172.16.0.0", 12],
    ["192.168.0.0", 16],
  ] as const)
    list.addSubnet(net, prefix, "ipv4");
  for (const [net, prefix] of [
    ["::", 128],
    ["::1", 128],
    ["fc00::", 7],
    ["fe80::", 10],
  ] as const)
    list.addSubnet(net, prefix, "ipv6");
  return list;
}

/** The addresses a URL's host resolves to must all be public; the first private one refuses it. */
export async function checkPublicUrl(
  url: string,
  resolveHost: (host: string) => Promise<string[]> = async (host) =>
    (await lookup(host, { all: true })).map((a) => a.address),
): Promise<void> {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, "");
  } catch {
    throw new CodeError("VALIDATION", `not a URL: ${url}`, { hint: "send an http(s) URL of the video" });
  }
  const addresses = isIP(host) ? [host] : await resolveHost(host).catch(() => []);
  if (addresses.length === 0)
    throw new CodeError("VIDEO_FETCH", `cannot resolve ${host}`, { hint: "check the URL's host name" });
  const ranges = privateRanges();
  for (const address of addresses) {
    // IPv4-mapped IPv6 (::ffff:10.0.0.1) is checked as the IPv4 address it carries.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    const v4 = mapped ?? (isIP(address) === 4 ? address : undefined);
    const blocked = v4 ? ranges.check(v4, "ipv4") : ranges.check(address, "ipv6");
    if (blocked)
      throw new CodeError("FORBIDDEN", `${host} resolves to ${address}, an address on a private network`, {
        hint: "the server fetches only public URLs; run `codeploy video` on your own machine for private ones",
        details: { host, address },
      });
  }
}

export function localVideo(
  deps: LocalVideoDeps | undefined,
  caller: Caller,
): (request: VideoRequest, hooks?: VideoHooks) => Promise<VideoAnswer> {
  return async (request, hooks = {}) => {
    caller.authorize("interpret");
    if (!deps)
      throw new CodeError("CONFIG", "video processing is not available here", {
        hint: "run `codeploy video` on your own machine",
      });
    const url = isUrl(request.input);
    if (deps.cwd === undefined) {
      if (!deps.remote?.enabled)
        throw new CodeError("FORBIDDEN", "this server does not process videos", {
          hint: "set server.video: true in the server's codeploy.yaml, or run `codeploy video` locally",
        });
      if (!url || request.captions !== undefined)
        throw new CodeError("VALIDATION", "a server reads no files: send the video as an http(s) URL", {
          hint: "leave out captions; a site's own subtitles are downloaded with the video",
          details: { path: url ? "captions" : "input" },
        });
      if (!deps.remote.allowPrivateHosts) await checkPublicUrl(request.input);
    }
    const at = (p: string) => resolve(deps.cwd ?? "/", p);
    const [{ processVideo }, { renderMarkdown }] = await Promise.all([
      import("../video/pipeline.js"),
      import("../video/markdown.js"),
    ]);
    const v = deps.config;
    const endpoint = v.transcription && {
      baseUrl: v.transcription.baseUrl,
      model: v.transcription.model,
      ...(v.transcription.apiKeyEnv && deps.env[v.transcription.apiKeyEnv]
        ? { apiKey: deps.env[v.transcription.apiKeyEnv] }
        : {}),
    };
    const document = await processVideo({
      input: url ? request.input : at(request.input),
      language: request.language ?? v.language,
      engine: request.engine ?? v.engine,
      chunkSeconds: v.chunkSeconds,
      overlapSeconds: v.overlapSeconds,
      sceneThreshold: v.sceneThreshold,
      minKeyframes: v.minKeyframes,
      maxKeyframes: v.maxKeyframes,
      ...(hooks.signal ? { signal: hooks.signal } : {}),
      ...(hooks.onEvent ? { onEvent: hooks.onEvent } : {}),
      ...(request.captions ? { captionsFile: at(request.captions) } : {}),
      ...(endpoint ? { endpoint } : {}),
      // Private: downloads by the hash of the whole URL, stage results by the file's.
      workRoot: join(deps.home, "video"),
      ...(request.cache === false ? {} : { cacheDir: join(deps.home, "video", "cache") }),
    });
    return { document, markdown: renderMarkdown(document) };
  };
}
