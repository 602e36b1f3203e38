/** The OpenAI-compatible engine against a fake /v1/audio/transcriptions server on a real socket. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { openAiRecogniser } from "./openai.js";

const read = (req: IncomingMessage) =>
  new Promise<Buffer>((resolve) => {
    const parts: Buffer[] = [];
    req.on("data", (c: Buffer) => parts.push(c));
    req.on("end", () => resolve(Buffer.concat(parts)));
  });

let base = "";
const seen: { url?: string; auth?: string; body: string }[] = [];
const server = createServer(async (req, res) => {
  const body = (await read(req)).toString("latin1");
  seen.push({ url: req.url ?? "", auth: req.headers.authorization ?? "", body });
  if (req.headers.authorization !== "Bearer sk-test") {
    res.writeHead(401, { "content-type": "application/json" }).end('{"error":{"message":"bad key sk-test"}}');
    return;
  }
  res.writeHead(200, { "content-type": "application/json" });
  res.end(
    JSON.stringify({
      text: "run kubectl get pods",
      segments: [{ start: 0.5, end: 2.5, text: " run kubectl get pods" }],
    }),
  );
});

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("openAiRecogniser (fake server)", () => {
  it("posts the chunk as multipart with model and language, and shifts times by the chunk's offset", async () => {
    const dir = await mkdtemp(join(tmpdir(), "codeploy-openai-"));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const wav = join(dir, "c.wav");
    await writeFile(wav, Buffer.from("RIFF....WAVEfmt fake-audio"));
    const words = await openAiRecogniser(
      { baseUrl: base, apiKey: "sk-test", model: "whisper-1", language: "en" },
      60,
    )(wav, 55);
    expect(words.map((w) => w.word)).toEqual(["run", "kubectl", "get", "pods"]);
    expect(words[0]?.start).toBeCloseTo(55.5);
    expect(words[3]?.end).toBeCloseTo(57.5);
    const req = seen.at(-1);
    expect(req?.url).toBe("/v1/audio/transcriptions");
    expect(req?.body).toContain('name="model"\r\n\r\nwhisper-1');
    expect(req?.body).toContain('name="language"\r\n\r\nen');
    expect(req?.body).toContain("fake-audio");
  });

  it("reports an HTTP failure without echoing the body (which may hold the key)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "codeploy-openai-"));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const wav = join(dir, "c.wav");
    await writeFile(wav, "x");
    const err = await openAiRecogniser({ baseUrl: `${base}/v1`, apiKey: "wrong" }, 60)(wav, 0).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: "VIDEO_TRANSCRIPTION" });
    expect(String((err as Error).message)).toContain("HTTP 401");
    expect(String((err as Error).message)).not.toContain("sk-test");
    expect(seen.at(-1)?.url).toBe("/v1/audio/transcriptions");
  });
});
