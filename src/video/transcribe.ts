/**
 * Picks the transcription engine: captions (a given file, the file's own
 * subtitle track, or yt-dlp's), then an OpenAI-compatible endpoint when one is
 * configured, then offline pocketsphinx; or the engine the configuration names.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { type CommandRunner, runCommand } from "../core/command-runner.js";
import { CodeError } from "../core/errors.js";
import { parseCaptions } from "./captions.js";
import { openAiRecogniser, type TranscriptionEndpoint } from "./openai.js";
import type { ProbeInfo } from "./probe.js";
import { detectPocketsphinx, pocketsphinxRecogniser, transcribeChunked } from "./speech.js";
import { VideoToolMissingError } from "./tools.js";
import type { EngineName, Segment } from "./types.js";

export type EngineChoice = "auto" | EngineName;

export interface TranscribeOptions {
  readonly file: string;
  readonly probe: ProbeInfo;
  readonly workDir: string;
  readonly engine: EngineChoice;
  readonly captionsFile?: string;
  readonly endpoint?: TranscriptionEndpoint;
  readonly language: string;
  readonly chunkSeconds: number;
  readonly overlapSeconds: number;
  readonly runner?: CommandRunner;
  readonly signal?: AbortSignal;
  readonly onChunk?: (done: number, total: number) => void;
}

export interface Transcript {
  readonly engine: EngineName | "none";
  readonly segments: readonly Segment[];
}

async function embeddedCaptions(o: TranscribeOptions, runner: CommandRunner): Promise<Segment[] | undefined> {
  const tracks = o.probe.subtitleTracks;
  const track = tracks.find((t) => t.language?.startsWith(o.language.slice(0, 2))) ?? tracks[0];
  if (!track) return undefined;
  const out = join(o.workDir, "embedded.vtt");
  const args = ["-y", "-hide_banner", "-nostdin", "-loglevel", "error", "-i", o.file];
  await runner(
    "ffmpeg",
    [...args, "-map", `0:s:${track.index}`, "-f", "webvtt", out],
    o.signal ? { signal: o.signal } : {},
  );
  return parseCaptions(await readFile(out, "utf8"));
}

async function fromCaptions(o: TranscribeOptions, runner: CommandRunner): Promise<Segment[] | undefined> {
  if (o.captionsFile) {
    const text = await readFile(o.captionsFile, "utf8").catch((cause: unknown) => {
      throw new CodeError("NOT_FOUND", `cannot read the captions file ${o.captionsFile}`, {
        cause,
        hint: "check the --captions path",
      });
    });
    return parseCaptions(text);
  }
  return embeddedCaptions(o, runner);
}

async function fromSpeech(o: TranscribeOptions, engine: "openai" | "pocketsphinx", runner: CommandRunner) {
  let recognise = o.endpoint
    ? openAiRecogniser({ language: o.language, ...o.endpoint }, o.chunkSeconds)
    : undefined;
  if (engine === "pocketsphinx") {
    const flavour = await detectPocketsphinx(runner);
    if (!flavour) throw new VideoToolMissingError(["pocketsphinx_continuous"]);
    recognise = pocketsphinxRecogniser(flavour, runner);
  }
  if (!recognise)
    throw new CodeError("CONFIG", "video.engine is openai but video.transcription is not configured", {
      hint: "set video.transcription.baseUrl (and model) in codeploy.yaml",
    });
  return transcribeChunked({
    file: o.file,
    duration: o.probe.durationSeconds,
    workDir: o.workDir,
    chunkSeconds: o.chunkSeconds,
    overlapSeconds: o.overlapSeconds,
    recognise,
    runner,
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.onChunk ? { onChunk: o.onChunk } : {}),
  });
}

export async function transcribe(o: TranscribeOptions): Promise<Transcript> {
  const runner = o.runner ?? runCommand;
  if (o.engine === "captions" || o.engine === "auto") {
    const segments = await fromCaptions(o, runner);
    if (segments) return { engine: "captions", segments };
    if (o.engine === "captions")
      throw new CodeError("VIDEO_NO_CAPTIONS", `${o.file} has no subtitle track`, {
        hint: "pass --captions FILE (VTT or SRT)",
      });
  }
  if (!o.probe.hasAudio) return { engine: "none", segments: [] };
  if (o.engine === "openai" || o.engine === "pocketsphinx")
    return { engine: o.engine, segments: await fromSpeech(o, o.engine, runner) };
  if (o.endpoint) return { engine: "openai", segments: await fromSpeech(o, "openai", runner) };
  if (await detectPocketsphinx(runner))
    return { engine: "pocketsphinx", segments: await fromSpeech(o, "pocketsphinx", runner) };
  return { engine: "none", segments: [] };
}
