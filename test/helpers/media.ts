/**
 * Test media made on the spot: a dark screen showing `kubectl get pods` then
 * `docker compose up -d` (ffmpeg drawtext), espeak-ng speech, and a VTT file.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runCommand } from "../../src/core/command-runner.js";
import { hasTool, type VideoTool } from "../../src/video/tools.js";

export const FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf";

export const SCENES = [
  { text: "kubectl get pods", background: "0x101010" },
  { text: "docker compose up -d", background: "0x0b2545" },
] as const;

export const SCENE_SECONDS = 5;

export const SPEECH = "first list the pods. then start the stack.";

export const VTT = `WEBVTT

00:00:00.500 --> 00:00:03.500
First, list the pods with kubectl get pods.

00:00:05.500 --> 00:00:08.000
Then start everything with docker compose up -d.
See https://docs.docker.com/compose/ for details.
`;

/** Null when every tool is present, else a reason to print when skipping. */
export async function missingMediaTools(
  tools: readonly VideoTool[] | readonly string[],
): Promise<string | null> {
  const missing: string[] = [];
  for (const t of tools) {
    if (t === "espeak-ng") {
      const ok = await runCommand("espeak-ng", ["--version"]).then(
        () => true,
        () => false,
      );
      if (!ok) missing.push(t);
    } else if (!(await hasTool(t as VideoTool))) missing.push(t);
  }
  if (missing.length === 0) return null;
  const reason = `missing ${missing.join(", ")} (apt-get install ffmpeg tesseract-ocr espeak-ng pocketsphinx pocketsphinx-en-us fonts-dejavu-core)`;
  if (process.env.CI) throw new Error(`CI: ${reason}`);
  console.warn(`skipping video tests: ${reason}`);
  return reason;
}

export interface TutorialOptions {
  /** Embed chapters in the file. */
  readonly chapters?: boolean;
  /** Speech to say (espeak-ng). @default SPEECH */
  readonly speech?: string;
}

/** Writes tutorial.mp4 (+ captions.vtt) into `dir` and returns its path. */
export async function makeTutorial(dir: string, options: TutorialOptions = {}): Promise<string> {
  const speech = join(dir, "speech.wav");
  await runCommand("espeak-ng", ["-s", "140", "-w", speech, options.speech ?? SPEECH]);
  const total = SCENE_SECONDS * SCENES.length;
  const inputs = SCENES.flatMap((s) => [
    "-f",
    "lavfi",
    "-i",
    `color=c=${s.background}:s=960x240:r=10:d=${SCENE_SECONDS}`,
  ]);
  const draw = SCENES.map(
    (s, i) =>
      `[${i}:v]drawtext=fontfile=${FONT}:text='${s.text}':fontcolor=white:fontsize=44:x=40:y=(h-text_h)/2[v${i}]`,
  );
  const concat = `${SCENES.map((_, i) => `[v${i}]`).join("")}concat=n=${SCENES.length}:v=1:a=0[v]`;
  const args = ["-y", "-hide_banner", "-loglevel", "error", ...inputs, "-i", speech];
  const meta = join(dir, "chapters.txt");
  if (options.chapters) {
    const body = SCENES.map(
      (s, i) =>
        `[CHAPTER]\nTIMEBASE=1/1000\nSTART=${i * SCENE_SECONDS * 1000}\nEND=${(i + 1) * SCENE_SECONDS * 1000}\ntitle=Step ${i + 1}: ${s.text}\n`,
    ).join("\n");
    await writeFile(meta, `;FFMETADATA1\ntitle=Pods and compose\n\n${body}`);
    args.push(
      "-i",
      meta,
      "-map_metadata",
      String(SCENES.length + 1),
      "-map_chapters",
      String(SCENES.length + 1),
    );
  }
  const out = join(dir, "tutorial.mp4");
  args.push(
    "-filter_complex",
    `${draw.join(";")};${concat};[${SCENES.length}:a]apad[a]`,
    "-map",
    "[v]",
    "-map",
    "[a]",
    "-t",
    String(total),
    "-c:v",
    "libx264",
    "-pix_fmt",
    "yuv420p",
    "-c:a",
    "aac",
    out,
  );
  await runCommand("ffmpeg", args);
  await writeFile(join(dir, "captions.vtt"), VTT);
  return out;
}
