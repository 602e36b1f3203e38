import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CommandRunner } from "../core/command-runner.js";
import { openStageCache, urlKey } from "./cache.js";
import { processVideo } from "./pipeline.js";

const mode = (path: string) => statSync(path).mode & 0o777;

describe("video cache keys", () => {
  it("keys a download by the sha256 of the whole URL: a shared prefix never shares a folder", () => {
    const base = `https://videos.example.com/${"a".repeat(80)}`;
    expect(urlKey(`${base}/one`)).toMatch(/^[0-9a-f]{64}$/);
    expect(urlKey(`${base}/one`)).not.toBe(urlKey(`${base}/two`));
    expect(urlKey(`${base}/one`)).toBe(urlKey(`${base}/one`));
  });

  it("keys stage results by the whole file hash, in folders readable by their owner only", async () => {
    const root = join(mkdtempSync(join(tmpdir(), "codeploy-vc-")), "video", "cache");
    const shared = "0".repeat(32);
    const one = await openStageCache(root, `${shared}${"1".repeat(32)}`);
    const two = await openStageCache(root, `${shared}${"2".repeat(32)}`);
    expect(one.dir).not.toBe(two.dir);
    expect(mode(root)).toBe(0o700);
    expect(mode(one.dir)).toBe(0o700);
    await one.get("probe", async () => ({ seconds: 1 }));
    expect((await two.get("probe", async () => ({ seconds: 2 }))).value).toEqual({ seconds: 2 });
  });

  it("downloads two URLs that share a long prefix into two private folders under the work root", async () => {
    const root = join(mkdtempSync(join(tmpdir(), "codeploy-vd-")), "video");
    const outputs: string[] = [];
    // Every tool answers; yt-dlp records where it was told to write, then fails (nothing is downloaded here).
    const runner: CommandRunner = async (command, args) => {
      if (command === "yt-dlp" && args.includes("-o")) {
        outputs.push(args[args.indexOf("-o") + 1] ?? "");
        throw new Error("offline");
      }
      return { exitCode: 0, stdout: "", stderr: "" };
    };
    const base = `https://videos.example.com/${"p".repeat(90)}`;
    for (const url of [`${base}/a`, `${base}/b`]) {
      const error = await processVideo({ input: url, workRoot: root, runner }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "VIDEO_FETCH" });
    }
    const folders = outputs.map((o) => dirname(o));
    expect(folders).toEqual([
      join(root, "downloads", urlKey(`${base}/a`)),
      join(root, "downloads", urlKey(`${base}/b`)),
    ]);
    for (const f of [root, join(root, "downloads"), ...folders]) expect(mode(f)).toBe(0o700);
  });
});
