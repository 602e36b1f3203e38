/**
 * `codeploy video` end to end on media made here: ffmpeg drawtext screens,
 * espeak-ng speech, a VTT file; real ffprobe, tesseract and pocketsphinx.
 */
import { createReadStream } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import { captureIo } from "../src/cli/test-io.js";
import { runCommand } from "../src/core/command-runner.js";
import { configSchema } from "../src/core/config.js";
import { keyFor, serverConfig, startHarness } from "../src/server/__fixtures__/harness.js";
import { createApiClient } from "../src/service/api-client.js";
import { createHttpService } from "../src/service/http.js";
import { processVideo } from "../src/video/pipeline.js";
import type { VideoDocument, VideoEvent } from "../src/video/types.js";
import { makeTutorial, missingMediaTools, SCENE_SECONDS } from "./helpers/media.js";

const skip = await missingMediaTools([
  "ffmpeg",
  "ffprobe",
  "tesseract",
  "espeak-ng",
  "pocketsphinx_continuous",
  "yt-dlp",
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
    const code = await main(
      ["video", "tutorial.mp4", "--captions", "captions.vtt", "-o", "doc.md", "--json", "doc.json"],
      io,
    );
    expect(io.err()).not.toContain("error");
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

  it("runs on a server through the service: a URL only, public hosts only, when server.video allows it", async () => {
    // The video served over loopback HTTP, as a site would; yt-dlp downloads it.
    const files = createServer((req, res) => {
      if (req.url !== "/tutorial.mp4") return void res.writeHead(404).end();
      res.writeHead(200, { "content-type": "video/mp4" });
      createReadStream(video).pipe(res);
    });
    await new Promise<void>((r) => files.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(files.address() as AddressInfo).port}/tutorial.mp4`;
    const home = join(dir, "server-home");
    const video_ = { config: configSchema.parse({}).video, env: {}, home };
    const on = await startHarness({
      config: serverConfig({ video: true, planWorkers: 0 }),
      video: { ...video_, allowPrivateHosts: true },
    });
    const strict = await startHarness({
      config: serverConfig({ video: true, planWorkers: 0 }),
      video: video_,
    });
    const off = await startHarness({ video: video_ });
    try {
      let keys = 0;
      const serviceOf = async (h: typeof on, role: "deployer" | "viewer" = "deployer") =>
        createHttpService(
          createApiClient({
            baseUrl: "http://codeploy.test",
            token: await keyFor(h.store, `video-${role}-${++keys}`, role),
            fetch: (input, init) => Promise.resolve(h.api.app.request(String(input), init)),
          }),
          "http://codeploy.test",
        );
      const answer = await (await serviceOf(on)).video({ input: url, engine: "pocketsphinx" });
      expect(answer.document.commands.map((c) => c.code)).toContain("kubectl get pods");
      expect(answer.markdown).toContain("## Contents");

      const refusals = await Promise.all([
        (await serviceOf(on, "viewer")).video({ input: url }).catch((e: unknown) => e),
        (await serviceOf(strict)).video({ input: url }).catch((e: unknown) => e),
        (await serviceOf(off)).video({ input: url }).catch((e: unknown) => e),
        (await serviceOf(on)).video({ input: "tutorial.mp4" }).catch((e: unknown) => e),
      ]);
      expect(refusals.map((e) => (e as { code?: string }).code)).toEqual([
        "FORBIDDEN",
        "FORBIDDEN",
        "FORBIDDEN",
        "USAGE",
      ]);
      expect((refusals[1] as Error).message).toContain("127.0.0.1, an address on a private network");
      expect((refusals[2] as Error).message).toContain("does not process videos");
      // A file path sent straight to the API is refused before anything is read.
      const raw = await on.request("/v1/video", {
        method: "POST",
        token: await keyFor(on.store, "video-raw", "deployer"),
        json: { input: "/etc/passwd" },
      });
      expect(raw.status).toBe(400);
    } finally {
      await Promise.all([on.close(), strict.close(), off.close()]);
      files.close();
    }
  }, 120_000);
});
