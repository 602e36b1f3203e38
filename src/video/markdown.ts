/** The document as Markdown: title, summary, contents, chapters, steps, commands, links. */
import type { VideoDocument } from "./types.js";

/** 75.4 -> "01:15"; an hour or more -> "1:01:15". */
export function timestamp(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const hh = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, "0");
  const ss = String(s % 60).padStart(2, "0");
  return hh > 0 ? `${hh}:${mm}:${ss}` : `${mm}:${ss}`;
}

const anchor = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^\w\s-]/g, "")
    .trim()
    .replace(/\s+/g, "-");

/** A fence longer than any run of backticks inside the code, so code never breaks out. */
function fence(code: string): string {
  const longest = Math.max(2, ...(code.match(/`+/g) ?? []).map((m) => m.length));
  return "`".repeat(longest + 1);
}

export function renderMarkdown(doc: VideoDocument): string {
  const out: string[] = [`# ${doc.title}`, "", doc.summary, ""];
  out.push(`Source: ${doc.source} (${timestamp(doc.durationSeconds)}, transcript: ${doc.engine})`, "");
  out.push("## Contents", "");
  doc.chapters.forEach((c, i) => {
    out.push(`${i + 1}. [${timestamp(c.start)} ${c.title}](#${anchor(`${timestamp(c.start)} ${c.title}`)})`);
  });
  out.push("");
  for (const c of doc.chapters) {
    out.push(`## ${timestamp(c.start)} ${c.title}`, "");
    if (c.sentences.length > 0) out.push(c.sentences.join(" "), "");
    for (const b of doc.commands.filter(
      (x) => x.at >= c.start && x.at < c.end + (c === doc.chapters.at(-1) ? 1 : 0),
    )) {
      const f = fence(b.code);
      out.push(`${f}${b.language}`, b.code, f, "");
    }
  }
  if (doc.steps.length > 0) {
    out.push("## Steps", "");
    for (const s of doc.steps) out.push(`${s.n}. [${timestamp(s.at)}] ${s.text}`);
    out.push("");
  }
  if (doc.commands.length > 0) {
    out.push("## Commands", "");
    for (const b of doc.commands) {
      const f = fence(b.code);
      out.push(`- ${timestamp(b.at)} (${b.source})`, "", `${f}${b.language}`, b.code, f, "");
    }
  }
  if (doc.links.length > 0) {
    out.push("## Links", "");
    for (const l of doc.links) out.push(`- <${l}>`);
    out.push("");
  }
  return `${out.join("\n").trimEnd()}\n`;
}
