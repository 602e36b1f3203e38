/**
 * Transcript + screen text -> the document: chapters, steps, commands, links.
 * Pure: no I/O, same input gives the same document.
 */
import { toSentences } from "./captions.js";
import { codeFromScreen, codeFromSpeech, dedupeCode } from "./commands.js";
import type { ProbeInfo } from "./probe.js";
import type { Chapter, DocChapter, DocStep, EngineName, Segment, VideoDocument } from "./types.js";

export interface DocumentInput {
  readonly source: string;
  readonly probe: ProbeInfo;
  readonly transcript: readonly Segment[];
  readonly engine: EngineName | "none";
  /** Cleaned, merged OCR text per keyframe (start = the keyframe's time). */
  readonly frames: readonly Segment[];
  readonly language: string;
}

/** A pause this long in the speech starts a new chapter when the file has none. */
const PAUSE_SECONDS = 2.5;

const STEP_CUE =
  /^(first|then|next|now|finally|after that|lastly|step \d+|run|install|open|create|type|use|check|deploy|apply|start|add|set|go|copy|edit|make|push|build|configure|enable|wait|verify|clone)\b/i;

function boundaries(input: DocumentInput, duration: number): number[] {
  const times = input.frames.map((f) => f.start);
  const t = input.transcript;
  for (let i = 1; i < t.length; i++) {
    const prev = t[i - 1];
    const cur = t[i];
    if (prev && cur && cur.start - prev.end >= PAUSE_SECONDS) times.push(cur.start);
  }
  // Cuts closer than this to the previous one are dropped: a pause just after a scene change is the same chapter.
  const minLen = Math.max(3, duration / 15);
  const out = [0];
  for (const x of [...times].sort((a, b) => a - b)) {
    const last = out.at(-1) ?? 0;
    if (x - last >= minLen && duration - x >= Math.min(minLen, 1)) out.push(x);
  }
  return out;
}

function titleFor(
  start: number,
  end: number,
  input: DocumentInput,
  sentences: readonly Segment[],
  n: number,
) {
  const frame = input.frames.find((f) => f.start >= start && f.start < end);
  const cmd = frame ? codeFromScreen(frame)[0] : undefined;
  if (cmd) return cmd.code.split("\n")[0] ?? `Part ${n}`;
  const words = sentences[0]?.text.replace(/[.!?]$/, "").split(/\s+/) ?? [];
  if (words.length === 0) return `Part ${n}`;
  return words.slice(0, 8).join(" ") + (words.length > 8 ? "…" : "");
}

function makeChapters(input: DocumentInput, sentences: readonly Segment[], duration: number) {
  const inRange = (s: Segment, c: { start: number; end: number }) => s.start >= c.start && s.start < c.end;
  const fromFile = input.probe.chapters.length > 0;
  let base: Chapter[] = [...input.probe.chapters];
  if (!fromFile) {
    const b = boundaries(input, duration);
    base = b.map((start, i) => ({ title: "", start, end: b[i + 1] ?? duration }));
    base = base.map((c, i) => ({
      ...c,
      title: titleFor(
        c.start,
        c.end,
        input,
        sentences.filter((s) => inRange(s, c)),
        i + 1,
      ),
    }));
  }
  const chapters: DocChapter[] = base.map((c, i) => {
    const end = i === base.length - 1 ? Math.max(c.end, duration) + 0.001 : c.end;
    return {
      ...c,
      sentences: sentences.filter((s) => inRange(s, { start: c.start, end })).map((s) => s.text),
    };
  });
  return { chapters, chapterSource: fromFile ? ("file" as const) : ("scenes" as const) };
}

function makeSteps(sentences: readonly Segment[]): DocStep[] {
  return sentences
    .filter((s) => STEP_CUE.test(s.text.trim()))
    .map((s, i) => ({ n: i + 1, at: s.start, text: s.text.trim() }));
}

const LINK = /\bhttps?:\/\/[^\s<>"'`)\]]+[^\s<>"'`)\].,;:!?]/g;

function makeSummary(
  title: string,
  chapters: readonly DocChapter[],
  sentences: readonly Segment[],
  commands: number,
) {
  const lead = sentences
    .slice(0, 2)
    .map((s) => s.text)
    .join(" ");
  const parts = `${chapters.length} chapter${chapters.length === 1 ? "" : "s"}, ${commands} command${commands === 1 ? "" : "s"}`;
  return lead ? `${lead} (${parts}.)` : `${title}: ${parts}.`;
}

export function buildDocument(input: DocumentInput): VideoDocument {
  const duration = input.probe.durationSeconds || (input.transcript.at(-1)?.end ?? 0);
  const sentences = toSentences(input.transcript);
  const { chapters, chapterSource } = makeChapters(input, sentences, duration);
  const speechSource = input.engine === "captions" ? "captions" : "speech";
  const commands = dedupeCode([
    ...input.frames.flatMap(codeFromScreen),
    ...sentences.flatMap((s) => codeFromSpeech(s, speechSource)),
  ]);
  const text = [...input.transcript.map((s) => s.text), ...input.frames.map((f) => f.text)].join("\n");
  const links = [...new Set(text.match(LINK) ?? [])];
  const name =
    input.source
      .split(/[\\/]/)
      .at(-1)
      ?.replace(/\.[^.]+$/, "") ?? "video";
  const title = input.probe.title?.trim() || name.replace(/[-_]+/g, " ");
  return {
    title,
    source: input.source,
    durationSeconds: duration,
    language: input.language,
    engine: input.engine,
    chapterSource,
    summary: makeSummary(title, chapters, sentences, commands.length),
    chapters,
    steps: makeSteps(sentences),
    commands,
    links,
    transcript: input.transcript,
  };
}
