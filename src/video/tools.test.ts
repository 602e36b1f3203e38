import { describe, expect, it } from "vitest";
import { CommandError, type CommandRunner } from "../core/command-runner.js";
import { requireTools, VideoToolMissingError } from "./tools.js";

/** A runner where only `present` tools exist: the others fail like spawn's ENOENT does. */
const runnerWith =
  (present: readonly string[]): CommandRunner =>
  async (command) => {
    if (present.includes(command)) return { exitCode: 0, stdout: "", stderr: "" };
    throw new CommandError("COMMAND_NOT_FOUND", `${command}: command not found`, {
      command,
      stdout: "",
      stderr: "",
      exitCode: -1,
    });
  };

describe("requireTools", () => {
  it("names every missing tool with how to install it", async () => {
    const err = await requireTools(["ffmpeg", "ffprobe", "tesseract"], runnerWith(["ffmpeg"])).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(VideoToolMissingError);
    const e = err as VideoToolMissingError;
    expect(e.code).toBe("VIDEO_TOOL_MISSING");
    expect(e.tools).toEqual(["ffprobe", "tesseract"]);
    expect(e.hint).toContain("apt-get install tesseract-ocr");
  });

  it("passes when all are present", async () => {
    await expect(requireTools(["ffmpeg"], runnerWith(["ffmpeg"]))).resolves.toBeUndefined();
  });
});

describe("fetchUrl without yt-dlp", () => {
  it("says yt-dlp is missing and how to install it, before touching the network", async () => {
    const { fetchUrl } = await import("./fetch-url.js");
    const err = await fetchUrl("https://example.com/v", "/tmp/none", "en", runnerWith(["ffmpeg"])).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: "VIDEO_TOOL_MISSING", tools: ["yt-dlp"] });
    expect((err as VideoToolMissingError).hint).toContain("pipx install yt-dlp");
  });
});
