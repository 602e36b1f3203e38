#!/usr/bin/env node
// Figures for `codeploy video` (printed, never asserted): processing time as a ratio of the
// video's duration (captions engine and offline pocketsphinx engine, no cache), and the word
// error rate of pocketsphinx on espeak-ng speech. Media is made here with ffmpeg and espeak-ng.
// Runs against the build in dist/ (or $CODEPLOY_DIST); skips when the tools are not installed.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = process.env.CODEPLOY_DIST ?? join(root, "dist");
const load = (path) => import(join(dist, path));
const { processVideo } = await load("video/pipeline.js");
const { wordErrorRate } = await load("video/wer.js");

for (const tool of ["ffmpeg", "ffprobe", "tesseract", "espeak-ng", "pocketsphinx_continuous"]) {
  if (spawnSync(tool, [tool === "pocketsphinx_continuous" ? "-h" : "--version"]).error) {
    console.log(
      `video bench skipped: ${tool} is not installed (apt-get install ffmpeg tesseract-ocr espeak-ng pocketsphinx pocketsphinx-en-us)`,
    );
    process.exit(0);
  }
}

const FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf";
const SCENE = 15;
const scenes = ["kubectl get pods", "docker compose up -d", "helm install web ./chart", "terraform apply"];
const sentences = [
  "first we list the pods in the cluster",
  "then we start the local stack with compose",
  "next we install the web chart with helm",
  "finally we apply the terraform plan",
];
const dir = mkdtempSync(join(tmpdir(), "codeploy-bench-video-"));
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
};

// One speech file per scene, each padded to the scene's length, so speech and screen line up.
const audio = sentences.map((s, i) => {
  const f = join(dir, `s${i}.wav`);
  run("espeak-ng", ["-s", "140", "-w", f, s]);
  return f;
});
const inputs = scenes.flatMap((_, i) => [
  "-f",
  "lavfi",
  "-i",
  `color=c=0x10${i}020:s=960x240:r=10:d=${SCENE}`,
]);
const audioIn = audio.flatMap((f) => ["-i", f]);
const n = scenes.length;
const draw = scenes.map(
  (t, i) =>
    `[${i}:v]drawtext=fontfile=${FONT}:text='${t}':fontcolor=white:fontsize=44:x=40:y=(h-text_h)/2[v${i}]`,
);
const pads = audio.map((_, i) => `[${n + i}:a]apad=whole_dur=${SCENE}[a${i}]`);
const concat = `${scenes.map((_, i) => `[v${i}][a${i}]`).join("")}concat=n=${n}:v=1:a=1[v][a]`;
const video = join(dir, "bench.mp4");
run("ffmpeg", [
  "-y",
  "-loglevel",
  "error",
  ...inputs,
  ...audioIn,
  "-filter_complex",
  [...draw, ...pads, concat].join(";"),
  "-map",
  "[v]",
  "-map",
  "[a]",
  "-c:v",
  "libx264",
  "-pix_fmt",
  "yuv420p",
  "-c:a",
  "aac",
  video,
]);
const ts = (s) => `00:${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}.000`;
const vtt = join(dir, "bench.vtt");
writeFileSync(
  vtt,
  `WEBVTT\n\n${sentences.map((s, i) => `${ts(i * SCENE)} --> ${ts(i * SCENE + 4)}\n${s}.\n`).join("\n")}`,
);
const duration = n * SCENE;

const line = (name, value, target) =>
  console.log(`${name.padEnd(44)} ${value.padStart(14)}   ${target ? `target ${target}` : ""}`);
const timed = async (options) => {
  const start = performance.now();
  const doc = await processVideo({ input: video, ...options });
  return { doc, seconds: (performance.now() - start) / 1000 };
};

const withCaptions = await timed({ captionsFile: vtt });
line(
  `video ${duration}s, captions + OCR: time/duration`,
  `${(withCaptions.seconds / duration).toFixed(3)}x`,
  "< 0.5x",
);
const offline = await timed({ engine: "pocketsphinx" });
line(
  `video ${duration}s, pocketsphinx + OCR: time/duration`,
  `${(offline.seconds / duration).toFixed(3)}x`,
  "< 1x",
);
const hypothesis = offline.doc.transcript.map((s) => s.text).join(" ");
line(
  "pocketsphinx WER on espeak-ng speech",
  `${(100 * wordErrorRate(sentences.join(" "), hypothesis)).toFixed(1)} %`,
);
const found = offline.doc.commands.filter((c) => scenes.includes(c.code)).length;
line("OCR commands found (of 4 on screen)", String(found), "4");
