/** The Markdown exports: a local folder, and Google Drive against a fake Drive HTTP server on loopback. */
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZERO_USAGE } from "../llm/index.js";
import { driveExport } from "./drive-store.js";
import { consultationMarkdown } from "./markdown.js";
import { folderExport, storeCache } from "./stores.js";
import type { Consultation } from "./types.js";

const consultation: Consultation = {
  id: "1a2b3c4d-0000-4000-8000-000000000000",
  createdAt: "2026-03-04T05:06:07.000Z",
  question: "Which database for the shop?",
  answers: [
    {
      expert: "a",
      model: "m",
      status: "ok",
      text: "Postgres.",
      points: ["Use Postgres"],
      error: undefined,
      latencyMs: 1200,
      usage: ZERO_USAGE,
      costUsd: 0.002,
      estimateUsd: 0.01,
      cached: false,
    },
    {
      expert: "b",
      model: "m",
      status: "failed",
      text: "",
      points: [],
      error: "HTTP 500: boom",
      latencyMs: 30,
      usage: ZERO_USAGE,
      costUsd: 0,
      estimateUsd: 0.01,
      cached: false,
    },
  ],
  consensus: {
    summary: "Use Postgres.",
    recommendations: ["Use Postgres"],
    points: [{ text: "Use Postgres", support: ["a"], share: 1 }],
    dissent: [],
    confidence: 0.25,
    method: "deterministic",
    notes: [],
  },
  cost: {
    totalUsd: 0.002,
    byStage: { answers: 0.002, review: 0, synthesis: 0 },
    unpriced: [],
    estimateUsd: 0.01,
    budgetUsd: undefined,
  },
  cached: false,
};

interface Upload {
  readonly url: string;
  readonly auth: string | undefined;
  readonly body: string;
}

const uploads: Upload[] = [];
let refuse = false;
const drive = createServer(async (req: IncomingMessage, res) => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  uploads.push({
    url: req.url ?? "",
    auth: req.headers.authorization,
    body: Buffer.concat(chunks).toString("utf8"),
  });
  res.writeHead(refuse ? 403 : 200, { "content-type": "application/json" });
  res.end(
    JSON.stringify(
      refuse
        ? {
            error: {
              code: 403,
              message: "The caller does not have permission",
              errors: [{ reason: "forbidden" }],
            },
          }
        : {
            id: "drivefile123",
            name: "x.md",
            webViewLink: "https://drive.google.com/file/d/drivefile123/view",
          },
    ),
  );
});
let rootUrl = "";
beforeAll(async () => {
  await new Promise<void>((r) => drive.listen(0, "127.0.0.1", r));
  rootUrl = `http://127.0.0.1:${(drive.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((r) => drive.close(() => r())));

async function tokenAuth() {
  const { auth } = await import("@googleapis/drive");
  const client = new auth.OAuth2();
  client.setCredentials({ access_token: "ya29.test-token", expiry_date: Date.now() + 3_600_000 });
  return client;
}

describe("consultation exports", () => {
  it("writes the Markdown to a folder under a dated, readable name", async () => {
    const dir = mkdtempSync(join(tmpdir(), "codeploy-md-"));
    const path = await folderExport(dir).write(consultation);
    expect(path).toBe(join(dir, "2026-03-04-which-database-for-the-shop-1a2b3c4d.md"));
    const text = readFileSync(path, "utf8");
    expect(text).toBe(consultationMarkdown(consultation));
    expect(text).toContain("> HTTP 500: boom");
    expect(text).toContain("### a (m): ok, 1.2 s, $0.0020");
  });

  it("uploads the same Markdown into the Drive folder on a fake Drive server", async () => {
    const target = await driveExport({ folderId: "folder42", auth: await tokenAuth(), rootUrl });
    const where = await target.write(consultation);
    expect(where).toBe("drivefile123 https://drive.google.com/file/d/drivefile123/view");
    const upload = uploads.at(-1);
    expect(upload?.url).toMatch(/^\/upload\/drive\/v3\/files\?.*uploadType=multipart/);
    expect(upload?.auth).toBe("Bearer ya29.test-token");
    expect(upload?.body).toContain('"parents":["folder42"]');
    expect(upload?.body).toContain('"name":"2026-03-04-which-database-for-the-shop-1a2b3c4d.md"');
    expect(upload?.body).toContain(consultationMarkdown(consultation));
  });

  it("names the HTTP status when Drive refuses", async () => {
    refuse = true;
    const target = await driveExport({ folderId: "folder42", auth: await tokenAuth(), rootUrl });
    await expect(target.write(consultation)).rejects.toMatchObject({
      code: "EXPERTS_DRIVE",
      message: expect.stringContaining("HTTP 403"),
    });
    refuse = false;
  });

  it("reads cached responses through the store's cache interface, ignoring foreign values", async () => {
    const entries = new Map<string, unknown>([["bad", { nope: 1 }]]);
    const cache = storeCache({
      cacheGet: async (k) => entries.get(k),
      cacheSet: async (k, v) => void entries.set(k, v),
    });
    await cache.set("k", { text: "t", usage: ZERO_USAGE, model: "m" });
    expect(await cache.get("k")).toEqual({ text: "t", usage: ZERO_USAGE, model: "m" });
    expect(await cache.get("bad")).toBeUndefined();
  });
});
