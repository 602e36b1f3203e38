/**
 * `codeploy video` end to end on media made here: ffmpeg drawtext screens,
 * espeak-ng speech, a VTT file; real ffprobe, tesseract and pocketsphinx.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerVideoCommands } from "../src/cli/commands/video.js";
import { captureIo } from "../src/cli/test-io.js";
import { runCommand } from "../src/core/command-runner.js";
import { processVideo } from "../src/video/pipeline.js";
import type { VideoDocument, VideoEvent } from "../src/video/types.js";
import { makeTutorial, missingMediaTools, SCENE_SECONDS } from "./helpers/media.js";

const skip = await missingMediaTools([
  "ffmpeg",
  "ffprobe",
  "tesseract",
  "espeak-ng",
  "pocketsphinx_continuous",
]);

describe.skipIf(skip !== null)("codeploy video (ffmpeg, tesseract, espeak-ng, pocketsphinx)", () => {
  let dir = "";
  let video = "";
  let withChapters = "";
  let dir2 = "";
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "codeploy-video-test-"));
    video = await makeTutorial(dir);
    dir2 = await mkdtemp(join(tmpdir(), "codeploy-video-test-ch-"));
    withChapters = await makeTutorial(dir2, { chapters: true });
  }, 60_000);
  afterAll(async () => {
    for (const d of [dir, dir2]) if (d) await rm(d, { recursive: true, force: true });
  });

  const commandsOf = (doc: VideoDocument) => doc.commands.map((c) => [c.code, c.source, c.language]);

  it("builds chapters from scene changes, sentences from the captions and commands from the screen", async () => {
    const doc = await processVideo({ input: video, captionsFile: join(dir, "captions.vtt") });
    expect(doc.engine).toBe("captions");
    expect(doc.chapterSource).toBe("scenes");
    expect(doc.chapters.map((c) => [Math.round(c.start), c.title])).toEqual([
      [0, "kubectl get pods"],
      [SCENE_SECONDS, "docker compose up -d"],
    ]);
    expect(doc.chapters[0]?.sentences).toEqual(["First, list the pods with kubectl get pods."]);
    expect(doc.chapters[1]?.sentences).toContain("Then start everything with docker compose up -d.");
    expect(commandsOf(doc)).toEqual([
      ["kubectl get pods", "ocr", "bash"],
      ["docker compose up -d", "ocr", "bash"],
    ]);
    expect(doc.steps.map((s) => s.text)).toEqual([
      "First, list the pods with kubectl get pods.",
      "Then start everything with docker compose up -d.",
    ]);
    expect(doc.links).toEqual(["https://docs.docker.com/compose/"]);
    expect(doc.durationSeconds).toBeCloseTo(2 * SCENE_SECONDS, 0);
  }, 60_000);

  it("uses the file's own chapters and title when it has them", async () => {
    const doc = await processVideo({ input: withChapters, captionsFile: join(dir, "captions.vtt") });
    expect(doc.title).toBe("Pods and compose");
    expect(doc.chapterSource).toBe("file");
    expect(doc.chapters.map((c) => [c.start, c.title])).toEqual([
      [0, "Step 1: kubectl get pods"],
      [SCENE_SECONDS, "Step 2: docker compose up -d"],
    ]);
  }, 60_000);

  it("reads the subtitle track inside the file when no captions file is given", async () => {
    const mkv = join(dir, "with-subs.mkv");
    const args = ["-y", "-loglevel", "error", "-i", video, "-i", join(dir, "captions.vtt")];
    await runCommand("ffmpeg", [...args, "-map", "0", "-map", "1", "-c", "copy", "-c:s", "webvtt", mkv]);
    const doc = await processVideo({ input: mkv });
    expect(doc.engine).toBe("captions");
    expect(doc.chapters[0]?.sentences).toEqual(["First, list the pods with kubectl get pods."]);
  }, 60_000);

  it("transcribes offline with pocketsphinx in overlapping chunks when there are no captions", async () => {
    const events: VideoEvent[] = [];
    const doc = await processVideo({
      input: video,
      chunkSeconds: 5,
      overlapSeconds: 1,
      onEvent: (e) => events.push(e),
    });
    expect(doc.engine).toBe("pocketsphinx");
    expect(doc.transcript.length).toBeGreaterThan(0);
    for (const s of doc.transcript) {
      expect(s.start).toBeGreaterThanOrEqual(0);
      expect(s.end).toBeLessThanOrEqual(2 * SCENE_SECONDS + 0.5);
      expect(s.text).toMatch(/^[a-z' ]+\.$/);
    }
    expect(events).toContainEqual({ type: "progress", stage: "transcribe", done: 2, total: 2 });
    // Screen commands do not depend on the speech engine.
    expect(doc.commands.map((c) => c.code)).toEqual(["kubectl get pods", "docker compose up -d"]);
  }, 60_000);

  it("resumes from the cache on a re-run and gives the same document", async () => {
    const cacheDir = join(dir, "cache");
    const run = async () => {
      const events: VideoEvent[] = [];
      const doc = await processVideo({
        input: video,
        captionsFile: join(dir, "captions.vtt"),
        cacheDir,
        onEvent: (e) => events.push(e),
      });
      const cached = events.flatMap((e) => (e.type === "stage-done" && e.cached ? [e.stage] : []));
      return { doc, cached };
    };
    const first = await run();
    const second = await run();
    expect(first.cached).toEqual([]);
    expect(second.cached).toEqual(["probe", "transcribe", "ocr"]);
    expect(second.doc).toEqual(first.doc);
  }, 60_000);

  it("polishes prose through the seam but never touches commands", async () => {
    const doc = await processVideo({
      input: video,
      captionsFile: join(dir, "captions.vtt"),
      polish: async (prose) => prose.toUpperCase().replace(/KUBECTL GET PODS/g, "rm -rf /"),
    });
    expect(doc.summary).toMatch(/^FIRST, LIST THE PODS/);
    expect(doc.commands.map((c) => c.code)).toEqual(["kubectl get pods", "docker compose up -d"]);
  }, 60_000);

  it("runs as `codeploy video` and writes Markdown and JSON", async () => {
    const io = captureIo({ cwd: dir, env: { CODEPLOY_HOME: join(dir, "home") } });
    let code = -1;
    const program = new Command().exitOverride();
    registerVideoCommands(
      program,
      io,
      (c) => {
        code = c;
      },
      () => undefined,
    );
    await program.parseAsync(
      ["video", "tutorial.mp4", "--captions", "captions.vtt", "-o", "doc.md", "--json", "doc.json"],
      { from: "user" },
    );
    expect(code).toBe(0);
    const md = await readFile(join(dir, "doc.md"), "utf8");
    expect(md).toContain("## Contents");
    expect(md).toContain(`## 00:0${SCENE_SECONDS} docker compose up -d`);
    expect(md).toContain("```bash\nkubectl get pods\n```");
    const json = JSON.parse(await readFile(join(dir, "doc.json"), "utf8")) as VideoDocument;
    expect(json.commands.map((c) => c.code)).toEqual(["kubectl get pods", "docker compose up -d"]);
    expect(io.err()).toContain("wrote doc.md: 2 chapters, 2 steps, 2 commands");
  }, 60_000);

  it("refuses a file that is not media with a clear error", async () => {
    const err = await processVideo({ input: join(dir, "captions.vtt") }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: "VIDEO_UNREADABLE",
      message: expect.stringContaining("no video or audio"),
    });
    const missing = await processVideo({ input: join(dir, "nope.mp4") }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: "NOT_FOUND", message: expect.stringContaining("nope.mp4") });
  });
});
