/**
 * The whole run: fetch (URLs), probe, transcribe, keyframes + OCR, document,
 * optional polish. Each stage reports progress events and is cached by the
 * input's hash, so a re-run after a failure or Ctrl-C resumes.
 */
import { mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CommandRunner, runCommand } from "../core/command-runner.js";
import { NotFoundError } from "../core/errors.js";
import { hashFile, noCache, openStageCache, privateDir, type StageCache, urlKey } from "./cache.js";
import { buildDocument } from "./document.js";
import { type Fetched, fetchUrl, isUrl } from "./fetch-url.js";
import type { TranscriptionEndpoint } from "./openai.js";
import { type ProbeInfo, probe } from "./probe.js";
import { extractKeyframes, mergeFrames, ocrFrame, tesseractLanguage } from "./screen.js";
import { requireTools } from "./tools.js";
import { type EngineChoice, type Transcript, transcribe } from "./transcribe.js";
import type { Segment, VideoDocument, VideoEvent, VideoStage } from "./types.js";

export interface VideoOptions {
  /** A media file path or an http(s) URL. */
  readonly input: string;
  readonly captionsFile?: string;
  /** ISO 639-1. @default "en" */
  readonly language?: string;
  /** @default "auto" */
  readonly engine?: EngineChoice;
  readonly endpoint?: TranscriptionEndpoint;
  /** @default 60 */
  readonly chunkSeconds?: number;
  /** @default 5 */
  readonly overlapSeconds?: number;
  readonly sceneThreshold?: number;
  readonly minKeyframes?: number;
  readonly maxKeyframes?: number;
  /** Folder of the stage cache; absent: no cache. */
  readonly cacheDir?: string;
  /**
   * A private folder (the CLI: `$CODEPLOY_HOME/video`) for downloads
   * (`downloads/<sha256 of the URL>`) and scratch work. @default a new private temp folder per run
   */
  readonly workRoot?: string;
  /** Rewrites prose (summary, chapter text) with an LLM; never sees or changes commands. */
  readonly polish?: (prose: string) => Promise<string>;
  readonly runner?: CommandRunner;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: VideoEvent) => void;
}

type Emit = (e: VideoEvent) => void;

async function stage<T>(emit: Emit, name: VideoStage, cache: StageCache, key: string, run: () => Promise<T>) {
  emit({ type: "stage-start", stage: name });
  const { value, hit } = await cache.get(key, run);
  emit({ type: "stage-done", stage: name, cached: hit });
  return value;
}

async function resolveInput(o: VideoOptions, emit: Emit, runner: CommandRunner): Promise<Fetched> {
  if (!isUrl(o.input)) {
    const st = await stat(o.input).catch(() => undefined);
    if (!st?.isFile())
      throw new NotFoundError(`video file not found: ${o.input}`, {
        hint: "check the path, or pass an http(s) URL",
      });
    return { file: o.input };
  }
  emit({ type: "stage-start", stage: "fetch", detail: o.input });
  // The whole URL's hash: two URLs sharing a prefix never share a download folder.
  const dir = o.workRoot
    ? await privateDir(join(await privateDir(join(o.workRoot, "downloads")), urlKey(o.input)))
    : await mkdtemp(join(tmpdir(), "codeploy-download-"));
  const fetched = await fetchUrl(o.input, dir, o.language ?? "en", runner, o.signal);
  emit({ type: "stage-done", stage: "fetch", cached: false });
  return fetched;
}

async function screenText(
  o: VideoOptions,
  file: string,
  info: ProbeInfo,
  workDir: string,
  emit: Emit,
  runner: CommandRunner,
) {
  if (!info.hasVideo) return [];
  const frames = await extractKeyframes(file, join(workDir, "frames"), info.durationSeconds, {
    runner,
    ...(o.sceneThreshold !== undefined ? { sceneThreshold: o.sceneThreshold } : {}),
    ...(o.minKeyframes !== undefined ? { minFrames: o.minKeyframes } : {}),
    ...(o.maxKeyframes !== undefined ? { maxFrames: o.maxKeyframes } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  const out: Segment[] = [];
  for (const [i, f] of frames.entries()) {
    const next = frames[i + 1]?.time ?? info.durationSeconds;
    out.push({
      start: f.time,
      end: next,
      text: await ocrFrame(f.file, tesseractLanguage(o.language ?? "en"), runner, o.signal),
    });
    emit({ type: "progress", stage: "ocr", done: i + 1, total: frames.length });
  }
  return mergeFrames(out);
}

async function polishDocument(
  doc: VideoDocument,
  polish: (prose: string) => Promise<string>,
): Promise<VideoDocument> {
  const summary = await polish(doc.summary);
  const chapters = [];
  for (const c of doc.chapters) {
    const prose = c.sentences.join(" ");
    chapters.push(prose ? { ...c, sentences: [await polish(prose)] } : c);
  }
  return { ...doc, summary, chapters };
}

interface StageContext {
  readonly fetched: Fetched;
  readonly info: ProbeInfo;
  readonly workDir: string;
  readonly cache: StageCache;
  readonly emit: Emit;
  readonly runner: CommandRunner;
}

async function transcriptStage(o: VideoOptions, c: StageContext): Promise<Transcript> {
  const { fetched, info, workDir, cache, emit, runner } = c;
  const language = o.language ?? "en";
  const captionsFile = o.captionsFile ?? fetched.captions;
  const engine = o.engine ?? "auto";
  const chunk = o.chunkSeconds ?? 60;
  const overlap = o.overlapSeconds ?? 5;
  // The key holds what changes the result, so another engine or captions file is not served stale.
  const tKey = `transcript-${engine}-${language}-${chunk}-${overlap}-${captionsFile ? (await hashFile(captionsFile).catch(() => "unreadable")).slice(0, 16) : "none"}`;
  return stage<Transcript>(emit, "transcribe", cache, tKey, () =>
    transcribe({
      file: fetched.file,
      probe: info,
      workDir,
      engine,
      language,
      chunkSeconds: chunk,
      overlapSeconds: overlap,
      runner,
      ...(captionsFile ? { captionsFile } : {}),
      ...(o.endpoint ? { endpoint: o.endpoint } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
      onChunk: (done, total) => emit({ type: "progress", stage: "transcribe", done, total }),
    }),
  );
}

export async function processVideo(o: VideoOptions): Promise<VideoDocument> {
  const runner = o.runner ?? runCommand;
  const emit: Emit = o.onEvent ?? (() => {});
  await requireTools(["ffmpeg", "ffprobe", "tesseract"], runner);
  const fetched = await resolveInput(o, emit, runner);
  const hash = await hashFile(fetched.file);
  const cache = o.cacheDir
    ? await openStageCache(o.cacheDir, hash)
    : noCache(await mkdtemp(join(o.workRoot ? await privateDir(o.workRoot) : tmpdir(), "scratch-")));
  const workDir = join(cache.dir, "work");
  await mkdir(workDir, { recursive: true });
  try {
    return await stages(o, fetched, cache, workDir, emit, runner);
  } finally {
    // Frames and audio chunks are scratch: the cache keeps the stage results, which is what a re-run needs.
    await rm(o.cacheDir ? workDir : cache.dir, { recursive: true, force: true });
  }
}

async function stages(
  o: VideoOptions,
  fetched: Fetched,
  cache: StageCache,
  workDir: string,
  emit: Emit,
  runner: CommandRunner,
) {
  const language = o.language ?? "en";
  const info = await stage(emit, "probe", cache, "probe", () => probe(fetched.file, runner, o.signal));
  const transcript = await transcriptStage(o, { fetched, info, workDir, cache, emit, runner });
  const sKey = `ocr-${language}-${o.sceneThreshold ?? "d"}-${o.minKeyframes ?? "d"}-${o.maxKeyframes ?? "d"}`;
  const frames = await stage(emit, "ocr", cache, sKey, () =>
    screenText(o, fetched.file, info, workDir, emit, runner),
  );
  emit({ type: "stage-start", stage: "document" });
  let doc = buildDocument({
    source: o.input,
    probe: info,
    transcript: transcript.segments,
    engine: transcript.engine,
    frames,
    language,
  });
  emit({ type: "stage-done", stage: "document", cached: false });
  if (o.polish) {
    emit({ type: "stage-start", stage: "polish" });
    doc = await polishDocument(doc, o.polish);
    emit({ type: "stage-done", stage: "polish", cached: false });
  }
  return doc;
}
