/**
 * `codeploy video <file | URL> [--captions FILE] [--out doc.md] [--json FILE]
 * [--language en] [--engine E] [--no-cache]`: a tutorial video -> a document
 * with chapters, steps and the commands shown or spoken. Progress per stage on
 * a terminal (stderr); without --out the Markdown goes to stdout.
 */
import { writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { type Command, Option } from "commander";
import type { VideoEvent } from "../../video/types.js";
import { EXIT_OK } from "../exit.js";
import type { CliIo } from "../io.js";

export interface VideoFlags {
  readonly captions?: string;
  readonly out?: string;
  readonly json?: string;
  readonly language?: string;
  readonly engine?: "auto" | "captions" | "openai" | "pocketsphinx";
  /** commander's --no-cache. */
  readonly cache?: boolean;
  readonly config?: string;
}

/** One line per stage on a terminal; nothing otherwise, so pipes get only the document. */
export function progressPrinter(io: CliIo): (e: VideoEvent) => void {
  if (!io.isTty) return () => {};
  return (e) => {
    if (e.type === "stage-start") io.stderr(`- ${e.stage}${e.detail ? ` ${e.detail}` : ""} ...\n`);
    else if (e.type === "stage-done") io.stderr(`✓ ${e.stage}${e.cached ? " (cached)" : ""}\n`);
    else io.stderr(`  ${e.stage} ${e.done}/${e.total}\n`);
  };
}

export async function videoCommand(io: CliIo, input: string, flags: VideoFlags): Promise<number> {
  const { processVideo } = await import("../../video/pipeline.js");
  const { renderMarkdown } = await import("../../video/markdown.js");
  const { homeOf } = await import("../session.js");
  const { withInterrupts } = await import("../signals.js");
  const { loadConfig } = await import("../../core/config.js");
  const config = await loadConfig({
    ...(flags.config ? { file: flags.config } : {}),
    env: io.env,
    cwd: io.cwd,
  });
  const v = config.video;
  const at = (p: string) => resolve(io.cwd, p);
  const endpoint = v.transcription && {
    baseUrl: v.transcription.baseUrl,
    model: v.transcription.model,
    ...(v.transcription.apiKeyEnv && io.env[v.transcription.apiKeyEnv]
      ? { apiKey: io.env[v.transcription.apiKeyEnv] }
      : {}),
  };
  const doc = await withInterrupts(io, (signal) =>
    processVideo({
      input: /^https?:\/\//i.test(input) ? input : at(input),
      language: flags.language ?? v.language,
      engine: flags.engine ?? v.engine,
      chunkSeconds: v.chunkSeconds,
      overlapSeconds: v.overlapSeconds,
      sceneThreshold: v.sceneThreshold,
      minKeyframes: v.minKeyframes,
      maxKeyframes: v.maxKeyframes,
      signal,
      onEvent: progressPrinter(io),
      ...(flags.captions ? { captionsFile: at(flags.captions) } : {}),
      ...(endpoint ? { endpoint } : {}),
      // Under $CODEPLOY_HOME, private: downloads by the hash of the whole URL, stage results by the file's.
      workRoot: join(homeOf(io, config), "video"),
      ...(flags.cache === false ? {} : { cacheDir: join(homeOf(io, config), "video", "cache") }),
    }),
  );
  const markdown = renderMarkdown(doc);
  if (flags.json) await writeFile(at(flags.json), `${JSON.stringify(doc, null, 2)}\n`);
  if (flags.out) {
    await writeFile(at(flags.out), markdown);
    io.stderr(
      `wrote ${flags.out}: ${doc.chapters.length} chapters, ${doc.steps.length} steps, ${doc.commands.length} commands\n`,
    );
  } else io.stdout(markdown);
  return EXIT_OK;
}

/** Adds `video` to the program; the pipeline loads only when the command runs. */
export function registerVideoCommands(
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
  configOf: () => string | undefined,
): void {
  program
    .command("video")
    .description("turn a tutorial video into a document: chapters, steps and the commands shown or spoken")
    .argument("<input>", "a video file, or a URL (downloaded with yt-dlp)")
    .option("--captions <file>", "a VTT or SRT file to use as the transcript")
    .option("-o, --out <file>", "write the Markdown document here (default: standard output)")
    .option("--json <file>", "also write the document as JSON")
    .option("-l, --language <code>", "language of the video (ISO 639-1, default: en or video.language)")
    .addOption(
      new Option("--engine <engine>", "transcription engine (default: video.engine, else auto)").choices([
        "auto",
        "captions",
        "openai",
        "pocketsphinx",
      ]),
    )
    .option("--no-cache", "do not read or write the stage cache")
    .addHelpText(
      "after",
      "\nExamples:\n  codeploy video demo.mp4 --out demo.md\n  codeploy video talk.mkv --captions talk.vtt --json talk.json",
    )
    .action(async (input: string, opts: VideoFlags) => {
      const config = configOf();
      setExit(await videoCommand(io, input, { ...opts, ...(config ? { config } : {}) }));
    });
}
