/** ffprobe: duration, title, the file's own chapters and its subtitle tracks. */
import { type CommandRunner, runCommand } from "../core/command-runner.js";
import { CodeError } from "../core/errors.js";
import type { Chapter } from "./types.js";

export interface ProbeInfo {
  readonly durationSeconds: number;
  readonly title?: string;
  readonly chapters: readonly Chapter[];
  /** Indexes among the subtitle streams (for `-map 0:s:N`). */
  readonly subtitleTracks: readonly { readonly index: number; readonly language?: string }[];
  readonly hasAudio: boolean;
  readonly hasVideo: boolean;
}

interface RawProbe {
  format?: { duration?: string; tags?: Record<string, string> };
  streams?: { codec_type?: string; tags?: Record<string, string> }[];
  chapters?: { start_time?: string; end_time?: string; tags?: Record<string, string> }[];
}

/** Turns ffprobe's JSON into ProbeInfo (pure, so it is tested without a file). */
export function parseProbe(json: string): ProbeInfo {
  let raw: RawProbe;
  try {
    raw = JSON.parse(json) as RawProbe;
  } catch (cause) {
    throw new CodeError("VIDEO_PROBE", "ffprobe printed something that is not JSON", { cause });
  }
  const streams = raw.streams ?? [];
  const subs = streams.filter((s) => s.codec_type === "subtitle");
  const chapters = (raw.chapters ?? []).map((c, i) => ({
    title: c.tags?.title?.trim() || `Chapter ${i + 1}`,
    start: Number(c.start_time ?? 0),
    end: Number(c.end_time ?? 0),
  }));
  const title = raw.format?.tags?.title ?? raw.format?.tags?.TITLE;
  return {
    durationSeconds: Number(raw.format?.duration ?? 0) || 0,
    ...(title ? { title } : {}),
    chapters,
    subtitleTracks: subs.map((s, index) => ({
      index,
      ...(s.tags?.language ? { language: s.tags.language } : {}),
    })),
    hasAudio: streams.some((s) => s.codec_type === "audio"),
    hasVideo: streams.some((s) => s.codec_type === "video"),
  };
}

export async function probe(file: string, runner: CommandRunner = runCommand, signal?: AbortSignal) {
  let info: ProbeInfo;
  const args = ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", "-show_chapters"];
  try {
    const { stdout } = await runner("ffprobe", [...args, file], signal ? { signal } : {});
    info = parseProbe(stdout);
  } catch (cause) {
    if (cause instanceof CodeError && cause.code !== "COMMAND_FAILED") throw cause;
    throw new CodeError("VIDEO_UNREADABLE", `cannot read the media file ${file}`, {
      cause,
      hint: "check that the file exists and is a video or audio file ffmpeg can open",
    });
  }
  // ffprobe opens subtitle and image files too: there is nothing to watch or hear in them.
  if (!info.hasAudio && !info.hasVideo)
    throw new CodeError("VIDEO_UNREADABLE", `${file} has no video or audio stream`, {
      hint: "pass the video file; a captions file goes with --captions",
    });
  return info;
}
