/**
 * The system tools the pipeline needs, checked up front so a missing one is
 * named with the way to install it instead of failing halfway through.
 */

import { CommandError, type CommandRunner, runCommand } from "../core/command-runner.js";
import { CodeError } from "../core/errors.js";

export type VideoTool = "ffmpeg" | "ffprobe" | "tesseract" | "pocketsphinx_continuous" | "yt-dlp";

const INSTALL: Record<VideoTool, string> = {
  ffmpeg: "apt-get install ffmpeg (macOS: brew install ffmpeg)",
  ffprobe: "apt-get install ffmpeg (ffprobe comes with it; macOS: brew install ffmpeg)",
  tesseract: "apt-get install tesseract-ocr (macOS: brew install tesseract)",
  pocketsphinx_continuous: "apt-get install pocketsphinx pocketsphinx-en-us",
  "yt-dlp": "apt-get install yt-dlp, or pipx install yt-dlp",
};

const VERSION_ARGS: Record<VideoTool, readonly string[]> = {
  ffmpeg: ["-version"],
  ffprobe: ["-version"],
  tesseract: ["--version"],
  // 0.8 has no --version flag; -h prints its options and exits 1.
  pocketsphinx_continuous: ["-h"],
  "yt-dlp": ["--version"],
};

/** A tool the pipeline needs is not installed. */
export class VideoToolMissingError extends CodeError {
  readonly tools: readonly VideoTool[];
  constructor(tools: readonly VideoTool[]) {
    const how = tools.map((t) => `${t}: ${INSTALL[t]}`).join("; ");
    super("VIDEO_TOOL_MISSING", `missing tool${tools.length > 1 ? "s" : ""}: ${tools.join(", ")}`, {
      hint: `install: ${how}`,
      details: { tools },
    });
    this.tools = tools;
  }
}

/** True when `tool` can be started (any exit code counts: only "not found" is missing). */
export async function hasTool(tool: VideoTool, runner: CommandRunner = runCommand): Promise<boolean> {
  try {
    await runner(tool, VERSION_ARGS[tool], { okExitCodes: [0, 1, 2] });
    return true;
  } catch (error) {
    if (error instanceof CommandError && error.code === "COMMAND_NOT_FOUND") return false;
    return true;
  }
}

/** Throws VideoToolMissingError naming every missing tool of `tools`. */
export async function requireTools(
  tools: readonly VideoTool[],
  runner: CommandRunner = runCommand,
): Promise<void> {
  const present = await Promise.all(tools.map((t) => hasTool(t, runner)));
  const missing = tools.filter((_, i) => !present[i]);
  if (missing.length > 0) throw new VideoToolMissingError(missing);
}
