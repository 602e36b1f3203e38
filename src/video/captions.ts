/** WebVTT and SRT cues -> segments; cue markup and repeated rolling lines removed. */
import type { Segment } from "./types.js";

const TIME = /(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{3})/;
const CUE_TIMES = new RegExp(`${TIME.source}\\s*-->\\s*${TIME.source}`);

function seconds(h: string | undefined, m: string, s: string, ms: string): number {
  return Number(h ?? 0) * 3600 + Number(m) * 60 + Number(s) + Number(ms) / 1000;
}

function cleanCueText(lines: readonly string[]): string {
  return lines
    .join(" ")
    .replace(/<[^>]+>/g, "")
    .replace(/\{\\[^}]*\}/g, "")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&nbsp;/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** Parses VTT or SRT text; blocks without a time line (headers, NOTE, STYLE) are skipped. */
export function parseCaptions(text: string): Segment[] {
  const blocks = text.replace(/\r\n?/g, "\n").split(/\n{2,}/);
  const out: Segment[] = [];
  for (const block of blocks) {
    const lines = block.split("\n");
    const at = lines.findIndex((l) => CUE_TIMES.test(l));
    if (at < 0) continue;
    const m = CUE_TIMES.exec(lines[at] ?? "");
    if (!m) continue;
    const start = seconds(m[1], m[2] ?? "0", m[3] ?? "0", m[4] ?? "0");
    const end = seconds(m[5], m[6] ?? "0", m[7] ?? "0", m[8] ?? "0");
    const body = cleanCueText(lines.slice(at + 1));
    if (body) out.push({ start, end, text: body });
  }
  return dropRollingRepeats(out);
}

/**
 * Auto-generated captions (YouTube) repeat the previous line at the start of
 * the next cue; keep only the new words so sentences are not doubled.
 */
function dropRollingRepeats(cues: readonly Segment[]): Segment[] {
  const out: Segment[] = [];
  for (const cue of cues) {
    const prev = out.at(-1);
    if (prev && cue.text === prev.text) {
      out[out.length - 1] = { ...prev, end: Math.max(prev.end, cue.end) };
      continue;
    }
    const text =
      prev && cue.text.startsWith(`${prev.text} `) ? cue.text.slice(prev.text.length + 1) : cue.text;
    out.push({ ...cue, text });
  }
  return out;
}

/** Full sentences with the time of the cue they start in. */
export function toSentences(segments: readonly Segment[]): Segment[] {
  const out: Segment[] = [];
  let buf = "";
  let start = 0;
  let end = 0;
  for (const seg of segments) {
    for (const piece of seg.text.split(/(?<=[.!?])\s+/)) {
      if (!buf) start = seg.start;
      buf = buf ? `${buf} ${piece}` : piece;
      end = seg.end;
      if (/[.!?]$/.test(piece)) {
        out.push({ start, end, text: buf.trim() });
        buf = "";
      }
    }
  }
  if (buf.trim()) out.push({ start, end, text: buf.trim() });
  return out;
}
