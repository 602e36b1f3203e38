/**
 * `codeploy video <file | URL> [--captions FILE] [--out doc.md] [--json FILE]
 * [--language en] [--engine E] [--no-cache]`: a tutorial video -> a document
 * with chapters, steps and the commands shown or spoken. Progress per stage on
 * a terminal (stderr); without --out the Markdown goes to stdout. With
 * --server the server fetches a URL (when its server.video allows it).
 */
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { type Command, Option } from "commander";
import type { CodeService } from "../../service/types.js";
import type { VideoEvent } from "../../video/types.js";
import type { CommandContext } from "../context.js";
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

export async function videoCommand(
  io: CliIo,
  service: CodeService,
  input: string,
  flags: VideoFlags,
): Promise<number> {
  const { withInterrupts } = await import("../signals.js");
  const { document: doc, markdown } = await withInterrupts(io, (signal) =>
    service.video(
      {
        input,
        ...(flags.captions ? { captions: flags.captions } : {}),
        ...(flags.language ? { language: flags.language } : {}),
        ...(flags.engine ? { engine: flags.engine } : {}),
        ...(flags.cache === false ? { cache: false } : {}),
      },
      { signal, onEvent: progressPrinter(io) },
    ),
  );
  const at = (p: string) => resolve(io.cwd, p);
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
export function registerVideoCommands(program: Command, { io, run }: CommandContext): void {
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
      await run({}, (service) => videoCommand(io, service, input, opts));
    });
}
