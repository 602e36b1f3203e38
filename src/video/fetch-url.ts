/** URLs are downloaded with yt-dlp, with its subtitles when the site offers them. */
import { mkdir, readdir } from "node:fs/promises";
import { join } from "node:path";
import { CommandError, type CommandRunner, runCommand } from "../core/command-runner.js";
import { CodeError } from "../core/errors.js";
import { requireTools } from "./tools.js";

export const isUrl = (input: string) => /^https?:\/\//i.test(input);

export interface Fetched {
  readonly file: string;
  readonly captions?: string;
}

export async function fetchUrl(
  url: string,
  dir: string,
  language: string,
  runner: CommandRunner = runCommand,
  signal?: AbortSignal,
): Promise<Fetched> {
  await requireTools(["yt-dlp"], runner);
  await mkdir(dir, { recursive: true });
  const args = [
    "--no-playlist",
    "--write-subs",
    "--write-auto-subs",
    "--sub-langs",
    `${language}.*,${language}`,
  ];
  args.push("--sub-format", "vtt/best", "--convert-subs", "vtt", "-o", join(dir, "video.%(ext)s"), url);
  try {
    await runner("yt-dlp", args, signal ? { signal } : {});
  } catch (cause) {
    if (cause instanceof CommandError && cause.code === "COMMAND_ABORTED") throw cause;
    throw new CodeError("VIDEO_FETCH", `cannot download ${url}`, {
      cause,
      hint: "check the network and the URL (yt-dlp's message is above), or download the file and pass its path",
    });
  }
  const names = await readdir(dir);
  const video = names.find((n) => n.startsWith("video.") && !n.endsWith(".vtt") && !n.endsWith(".part"));
  const subs = names.find((n) => n.endsWith(".vtt"));
  if (!video)
    throw new CodeError("VIDEO_FETCH", `yt-dlp wrote no video for ${url}`, {
      hint: "try the URL with yt-dlp directly",
    });
  return { file: join(dir, video), ...(subs ? { captions: join(dir, subs) } : {}) };
}
