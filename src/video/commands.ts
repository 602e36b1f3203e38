/**
 * Finds commands and code in OCR text and in speech, tags their language and
 * removes duplicates (the same command seen on screen and said aloud is one).
 */
import type { CodeBlock, CodeSource, Segment } from "./types.js";

/** Programs whose name starts a shell command line in deployment tutorials. */
const TOOLS = new Set(
  (
    "kubectl docker podman helm terraform tofu npm npx pnpm yarn node git curl wget codeploy aws gcloud az " +
    "make pip pip3 python python3 apt apt-get brew sudo ssh scp export cd ls cat echo minikube kind k9s " +
    "ansible ansible-playbook psql redis-cli mysql systemctl journalctl go cargo gh openssl chmod mkdir"
  ).split(" "),
);

const PROMPT = /^\s*(?:[$#>%❯]|PS>|\w[\w.-]*@[\w.-]+[:~][^$#]*[$#])\s+/;

/** One line of screen text as a shell command, or undefined. */
export function asShellCommand(line: string): string | undefined {
  const text = line.replace(PROMPT, "").replace(/\s+/g, " ").trim();
  const first = text.split(" ")[0]?.toLowerCase() ?? "";
  if (!TOOLS.has(first) && !PROMPT.test(line)) return undefined;
  if (text.split(" ").length < 2 && !PROMPT.test(line)) return undefined;
  return text;
}

export function languageOf(code: string): string {
  const lines = code.split("\n");
  if (lines.every((l) => asShellCommand(l) !== undefined)) return "bash";
  if (/^\s*[{[]/.test(code) && /[}\]]\s*$/.test(code)) return "json";
  if (/^\s*(resource|module|variable|provider|terraform)\s+["{\w]/m.test(code)) return "hcl";
  if (/^(FROM|RUN|COPY|CMD|ENTRYPOINT)\s/m.test(code)) return "dockerfile";
  if (lines.filter((l) => /^\s*-?\s*[\w.-]+:(\s|$)/.test(l)).length >= Math.max(2, lines.length / 2))
    return "yaml";
  return "text";
}

/** Commands (one per line) and multi-line code blocks from one frame's cleaned text. */
export function codeFromScreen(frame: Segment): CodeBlock[] {
  const out: CodeBlock[] = [];
  const rest: string[] = [];
  for (const line of frame.text.split("\n")) {
    const cmd = asShellCommand(line);
    if (cmd) out.push({ at: frame.start, language: "bash", code: cmd, source: "ocr" });
    else rest.push(line);
  }
  const block = rest.join("\n").trim();
  const lang = block ? languageOf(block) : "text";
  if (block.includes("\n") && lang !== "text")
    out.push({ at: frame.start, language: lang, code: block, source: "ocr" });
  return out;
}

const SPOKEN_STOP = new Set([
  "to",
  "and",
  "then",
  "which",
  "so",
  "that",
  "this",
  "now",
  "first",
  "next",
  "after",
]);

/** "now run kubectl get pods to list them" -> `kubectl get pods`. */
export function codeFromSpeech(sentence: Segment, source: CodeSource): CodeBlock[] {
  const words = sentence.text
    .replace(/[,;:!?]|\.(\s|$)/g, " ")
    .split(/\s+/)
    .filter(Boolean);
  const out: CodeBlock[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = (words[i] ?? "").replace(/^[`'"]|[`'"]$/g, "");
    if (!TOOLS.has(w.toLowerCase()) || i + 1 >= words.length) continue;
    const cmd = [w];
    for (let j = i + 1; j < words.length && !SPOKEN_STOP.has((words[j] ?? "").toLowerCase()); j++)
      cmd.push((words[j] ?? "").replace(/[`'"]$/, ""));
    if (cmd.length >= 2) out.push({ at: sentence.start, language: "bash", code: cmd.join(" "), source });
    i += cmd.length - 1;
  }
  return out;
}

const key = (code: string) =>
  code
    .toLowerCase()
    .replace(/\s+/g, " ")
    .replace(/[^\w\s./:=-]/g, "")
    .trim();

/** Keeps the first of each command (screen text wins over speech, which loses flags and quotes). */
export function dedupeCode(blocks: readonly CodeBlock[]): CodeBlock[] {
  const rank = (b: CodeBlock) => (b.source === "ocr" ? 0 : 1);
  const sorted = [...blocks].sort((a, b) => rank(a) - rank(b) || a.at - b.at);
  const seen = new Map<string, CodeBlock>();
  for (const b of sorted) {
    const k = key(b.code);
    if (!seen.has(k)) seen.set(k, b);
  }
  return [...seen.values()].sort((a, b) => a.at - b.at);
}
