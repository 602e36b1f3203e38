/** The Circle of Experts screen: ask through the service (a fake model server speaking Ollama's API), see each member and the consensus. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configSchema } from "../core/config.js";
import { type FakeLlmServer, startFakeLlmServer } from "../llm/__fixtures__/fake-llm-server.js";
import { keyFor, serverConfig } from "../server/__fixtures__/harness.js";
import { type CodeployApp, createApp } from "../server/app.js";
import { silentLogger } from "../server/logger.js";
import { openStateStore } from "../state/index.js";
import type { StateStore } from "../state/types.js";
import { dashboard } from "./index.js";

let fake: FakeLlmServer;
let store: StateStore;
let api: CodeployApp;

beforeAll(async () => {
  fake = await startFakeLlmServer(() => ({
    object: { answer: "Use managed Postgres with point-in-time recovery.", points: ["Use managed Postgres"] },
    usage: { input: 1200, output: 300 },
  }));
  store = await openStateStore({ home: mkdtempSync(join(tmpdir(), "codeploy-dash-experts-")) });
  const experts = configSchema.parse({
    experts: {
      members: [
        {
          name: "local",
          provider: "ollama",
          model: "llama3.1",
          baseUrl: fake.baseUrl,
          price: { inputPerMTok: 1, outputPerMTok: 2 },
        },
      ],
    },
  }).experts;
  api = createApp({
    store,
    logger: silentLogger,
    config: serverConfig({ planWorkers: 0 }),
    experts: { config: experts, env: {} },
    dashboard: dashboard(),
  });
});
afterAll(async () => {
  await api.shutdown(0);
  await api.close();
  await store.close();
  await fake.close();
});

async function signIn(token: string) {
  const res = await api.app.request("/ui/sign-in", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token }).toString(),
  });
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const page = await (await api.app.request("/ui/experts", { headers: { cookie } })).text();
  return { cookie, page, csrf: /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? "" };
}

describe("the experts screen", () => {
  it("asks the circle and shows each member's status, cost and the consensus", async () => {
    const b = await signIn(await keyFor(store, "asker", "deployer"));
    expect(b.page).toContain("llama3.1");
    const ask = await api.app.request("/ui/experts/ask", {
      method: "POST",
      headers: { cookie: b.cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: b.csrf, question: "How should I back up postgres?" }).toString(),
    });
    expect(ask.status).toBe(303);
    const page = await (
      await api.app.request(ask.headers.get("location") ?? "", { headers: { cookie: b.cookie } })
    ).text();
    expect(page).toContain("How should I back up postgres?");
    expect(page).toContain("managed Postgres");
    expect(page).toMatch(/\$0\.00\d\d/); // 1200 in + 300 out at $1 / $2 per million tokens
    expect(page).toContain("b-ok");
    const list = await (await api.app.request("/ui/experts", { headers: { cookie: b.cookie } })).text();
    expect(list).toContain("How should I back up postgres?");
  });

  it("is hidden from and refused to a viewer", async () => {
    const b = await signIn(await keyFor(store, "watcher", "viewer"));
    expect(b.page).toContain("a viewer may not interpret requests");
    const home = await (await api.app.request("/", { headers: { cookie: b.cookie } })).text();
    expect(home).not.toContain('href="/ui/experts"');
  });
});
