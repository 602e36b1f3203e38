/**
 * Screen content: keyframes at scene changes (with a floor and a ceiling on
 * their number), OCR with tesseract, noise cleaned and repeated frames merged.
 */
import { mkdir, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { type CommandRunner, runCommand } from "../core/command-runner.js";
import type { Segment } from "./types.js";

export interface KeyframeOptions {
  /** Scene-change score (0..1) above which a frame starts a new scene. @default 0.1 (screen recordings change little between scenes) */
  readonly sceneThreshold?: number;
  /** At least this many frames (evenly spaced ones are added). @default 2 */
  readonly minFrames?: number;
  /** At most this many frames (evenly thinned). @default 40 */
  readonly maxFrames?: number;
  readonly runner?: CommandRunner;
  readonly signal?: AbortSignal;
}

export interface Keyframe {
  readonly time: number;
  readonly file: string;
}

/** Picks `max` of `items` evenly, always keeping the first. */
export function thin<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  return Array.from({ length: max }, (_, i) => items[Math.floor((i * items.length) / max)] as T);
}

export async function extractKeyframes(file: string, dir: string, duration: number, o: KeyframeOptions = {}) {
  const runner = o.runner ?? runCommand;
  const opts = o.signal ? { signal: o.signal } : {};
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const t = o.sceneThreshold ?? 0.1;
  const filter = `select='eq(n\\,0)+gt(scene\\,${t})',showinfo`;
  const { stderr } = await runner(
    "ffmpeg",
    ["-hide_banner", "-nostdin", "-i", file, "-vf", filter, "-vsync", "vfr", join(dir, "scene-%04d.png")],
    opts,
  );
  const times = [...stderr.matchAll(/pts_time:\s*([\d.]+)/g)].map((m) => Number(m[1]));
  const names = (await readdir(dir)).filter((n) => n.startsWith("scene-")).sort();
  let frames: Keyframe[] = names.map((n, i) => ({ time: times[i] ?? 0, file: join(dir, n) }));
  const min = o.minFrames ?? 2;
  for (let i = frames.length; i < min && duration > 0; i++) {
    const time = (duration * (i + 0.5)) / min;
    const out = join(dir, `fill-${i}.png`);
    await runner(
      "ffmpeg",
      ["-hide_banner", "-nostdin", "-ss", String(time), "-i", file, "-frames:v", "1", out],
      opts,
    );
    frames.push({ time, file: out });
  }
  frames = thin(
    frames.sort((a, b) => a.time - b.time),
    o.maxFrames ?? 40,
  );
  return frames;
}

const SMART: Record<string, string> = {
  "‘": "'",
  "’": "'",
  "“": '"',
  "”": '"',
  "—": "--",
  "–": "-",
  "|": "|",
};

/** OCR noise out: smart quotes, stray symbols, lines that are mostly not text. */
export function cleanOcr(text: string): string {
  return text
    .split("\n")
    .map((l) =>
      l
        .replace(/[‘’“”—–]/g, (c) => SMART[c] ?? c)
        .replace(/\s+/g, " ")
        .trim(),
    )
    .filter((l) => {
      const alnum = (l.match(/[A-Za-z0-9]/g) ?? []).length;
      return l.length >= 2 && alnum >= 2 && alnum / l.length >= 0.5;
    })
    .join("\n");
}

const words = (s: string) => new Set(s.toLowerCase().split(/\W+/).filter(Boolean));

/** Jaccard similarity of the word sets. */
export function similarity(a: string, b: string): number {
  const x = words(a);
  const y = words(b);
  if (x.size === 0 && y.size === 0) return 1;
  let both = 0;
  for (const w of x) if (y.has(w)) both++;
  return both / (x.size + y.size - both);
}

/** Consecutive frames showing the same text become one (the fuller text is kept). */
export function mergeFrames(frames: readonly Segment[], threshold = 0.8): Segment[] {
  const out: Segment[] = [];
  for (const f of frames) {
    if (!f.text) continue;
    const prev = out.at(-1);
    if (prev && similarity(prev.text, f.text) >= threshold) {
      const text = f.text.length > prev.text.length ? f.text : prev.text;
      out[out.length - 1] = { start: prev.start, end: Math.max(prev.end, f.end), text };
    } else out.push(f);
  }
  return out;
}

export async function ocrFrame(
  file: string,
  language: string,
  runner: CommandRunner = runCommand,
  signal?: AbortSignal,
) {
  const { stdout } = await runner(
    "tesseract",
    [file, "stdout", "-l", language, "--psm", "6"],
    signal ? { signal } : {},
  );
  return cleanOcr(stdout);
}

/** Maps an ISO 639-1 code to tesseract's language data name. */
export function tesseractLanguage(language: string): string {
  const map: Record<string, string> = {
    en: "eng",
    de: "deu",
    fr: "fra",
    es: "spa",
    it: "ita",
    pt: "por",
    nl: "nld",
  };
  return map[language] ?? language;
}
