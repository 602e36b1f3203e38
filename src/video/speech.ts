/**
 * Speech to text: long audio is cut into chunks that overlap, each chunk is
 * recognised, and each word is kept only by the chunk that owns its time, so
 * the joined transcript has no duplicates and no words cut at a boundary.
 */
import { join } from "node:path";
import { type CommandRunner, runCommand } from "../core/command-runner.js";
import type { Segment } from "./types.js";

export interface TimedWord {
  readonly word: string;
  readonly start: number;
  readonly end: number;
}

export interface ChunkPlan {
  readonly index: number;
  /** Audio cut from here (seconds; includes the overlap). */
  readonly from: number;
  readonly to: number;
  /** Words whose middle falls in [ownFrom, ownTo) belong to this chunk. */
  readonly ownFrom: number;
  readonly ownTo: number;
}

export function planChunks(duration: number, chunkSeconds: number, overlapSeconds: number): ChunkPlan[] {
  const n = Math.max(1, Math.ceil(duration / chunkSeconds));
  return Array.from({ length: n }, (_, index) => {
    const ownFrom = index * chunkSeconds;
    const ownTo = index === n - 1 ? Number.POSITIVE_INFINITY : (index + 1) * chunkSeconds;
    return {
      index,
      from: Math.max(0, ownFrom - overlapSeconds),
      to: Math.min(duration, (index + 1) * chunkSeconds + overlapSeconds),
      ownFrom,
      ownTo,
    };
  });
}

/** Joins per-chunk words (times already absolute) keeping each word once. */
export function joinChunks(
  plans: readonly ChunkPlan[],
  words: readonly (readonly TimedWord[])[],
): TimedWord[] {
  const out: TimedWord[] = [];
  plans.forEach((p, i) => {
    for (const w of words[i] ?? []) {
      const mid = (w.start + w.end) / 2;
      if (mid >= p.ownFrom && mid < p.ownTo) out.push(w);
    }
  });
  return out.sort((a, b) => a.start - b.start);
}

/** Words -> segments, split at pauses, so chapters can be cut at silences. */
export function wordsToSegments(words: readonly TimedWord[], pause = 0.8): Segment[] {
  const out: Segment[] = [];
  let cur: TimedWord[] = [];
  const flush = () => {
    const first = cur[0];
    const last = cur.at(-1);
    if (first && last)
      out.push({ start: first.start, end: last.end, text: `${cur.map((w) => w.word).join(" ")}.` });
    cur = [];
  };
  for (const w of words) {
    const last = cur.at(-1);
    if (last && w.start - last.end >= pause) flush();
    cur.push(w);
  }
  flush();
  return out;
}

const FILLER = /^(<s>|<\/s>|<sil>|\[.*\]|\+\+.*\+\+)$/i;

/** pocketsphinx_continuous 0.8 `-time yes` lines: `word start end confidence`. */
export function parsePocketsphinx08(stdout: string, offset: number): TimedWord[] {
  const out: TimedWord[] = [];
  for (const line of stdout.split("\n")) {
    const m = /^(\S+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)$/.exec(line.trim());
    if (!m || FILLER.test(m[1] ?? "")) continue;
    out.push({
      word: (m[1] ?? "").replace(/\(\d+\)$/, ""),
      start: offset + Number(m[2]),
      end: offset + Number(m[3]),
    });
  }
  return out;
}

/** pocketsphinx 5.x `single` JSON lines: {"w":[{"t":word,"b":start,"d":duration}]}. */
export function parsePocketsphinx5(stdout: string, offset: number): TimedWord[] {
  const out: TimedWord[] = [];
  for (const line of stdout.split("\n")) {
    if (!line.trim().startsWith("{")) continue;
    const v = JSON.parse(line) as { w?: { t: string; b: number; d: number }[] };
    for (const w of v.w ?? [])
      if (!FILLER.test(w.t))
        out.push({ word: w.t.replace(/\(\d+\)$/, ""), start: offset + w.b, end: offset + w.b + w.d });
  }
  return out;
}

/** Cuts [from, to) of the media's first audio track to 16 kHz mono WAV, what the recognisers want. */
export async function cutAudio(
  file: string,
  from: number,
  to: number,
  out: string,
  runner: CommandRunner,
  signal?: AbortSignal,
) {
  const args = [
    "-y",
    "-hide_banner",
    "-nostdin",
    "-loglevel",
    "error",
    "-ss",
    String(from),
    "-t",
    String(to - from),
  ];
  await runner(
    "ffmpeg",
    [...args, "-i", file, "-vn", "-ac", "1", "-ar", "16000", "-f", "wav", out],
    signal ? { signal } : {},
  );
}

export type SphinxFlavour = "0.8" | "5";

/** Which pocketsphinx this machine has: Debian 12 ships 0.8 (`pocketsphinx_continuous`), newer ones 5.x. */
export async function detectPocketsphinx(
  runner: CommandRunner = runCommand,
): Promise<SphinxFlavour | undefined> {
  const works = (cmd: string, args: string[]) =>
    runner(cmd, args, { okExitCodes: [0, 1, 2] }).then(
      () => true,
      () => false,
    );
  if (await works("pocketsphinx_continuous", ["-h"])) return "0.8";
  if (await works("pocketsphinx", ["help"])) return "5";
  return undefined;
}

export type ChunkRecogniser = (wav: string, offset: number, signal?: AbortSignal) => Promise<TimedWord[]>;

export function pocketsphinxRecogniser(
  flavour: SphinxFlavour,
  runner: CommandRunner = runCommand,
): ChunkRecogniser {
  return async (wav, offset, signal) => {
    const o = signal ? { signal } : {};
    if (flavour === "5")
      return parsePocketsphinx5((await runner("pocketsphinx", ["single", wav], o)).stdout, offset);
    const args = ["-infile", wav, "-time", "yes", "-logfn", "/dev/null"];
    return parsePocketsphinx08((await runner("pocketsphinx_continuous", args, o)).stdout, offset);
  };
}

export interface ChunkedOptions {
  readonly file: string;
  readonly duration: number;
  readonly workDir: string;
  readonly chunkSeconds: number;
  readonly overlapSeconds: number;
  readonly recognise: ChunkRecogniser;
  readonly runner?: CommandRunner;
  readonly signal?: AbortSignal;
  readonly onChunk?: (done: number, total: number) => void;
}

export async function transcribeChunked(o: ChunkedOptions): Promise<Segment[]> {
  const runner = o.runner ?? runCommand;
  const plans = planChunks(o.duration, o.chunkSeconds, o.overlapSeconds);
  const words: TimedWord[][] = [];
  for (const p of plans) {
    const wav = join(o.workDir, `chunk-${p.index}.wav`);
    await cutAudio(o.file, p.from, p.to, wav, runner, o.signal);
    words.push(await o.recognise(wav, p.from, o.signal));
    o.onChunk?.(p.index + 1, plans.length);
  }
  return wordsToSegments(joinChunks(plans, words));
}
