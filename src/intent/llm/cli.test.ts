import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main.js";
import { captureIo } from "../../cli/test-io.js";
import { type FakeLlmServer, startFakeLlmServer } from "../../llm/__fixtures__/fake-llm-server.js";

const SHOP = "deploy the shop with postgres 16 and 3 replicas on port 8080 to staging";
let fake: FakeLlmServer;
let work: string;
beforeAll(async () => {
  fake = await startFakeLlmServer(() => ({
    object: {
      name: "shop",
      environment: "staging",
      services: [{ name: "web", kind: "web", image: "ghcr.io/acme/shop:1.0", port: 8080, replicas: 3 }],
      databases: [{ name: "postgres", engine: "postgres", version: "16" }],
    },
    usage: { input: 500, output: 100 },
  }));
  work = await mkdtemp(join(tmpdir(), "codeploy-llm-cli-"));
  await writeFile(
    join(work, "llm.yaml"),
    `experts:\n  members:\n    - name: local\n      provider: ollama\n      model: fake-model\n      baseUrl: ${fake.baseUrl}\n` +
      `interpret:\n  mode: llm\n  llm: local\n`,
  );
});
afterAll(async () => {
  await fake.close();
  await rm(work, { recursive: true, force: true });
});

async function run(argv: string[], env: Record<string, string> = {}) {
  const io = captureIo({ cwd: work, env });
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe("codeploy interpret with a model (fake ollama server)", () => {
  it("asks the member named by --llm and prints the usage", async () => {
    const { code, out } = await run(["--config", "llm.yaml", "interpret", SHOP, "--llm", "local", "--json"]);
    expect(code).toBe(0);
    const result = JSON.parse(out) as { interpreter: string; usage: { inputTokens: number; model: string } };
    expect(result.interpreter).toBe("llm:ollama/fake-model");
    expect(result.usage).toMatchObject({ inputTokens: 500, model: "ollama/fake-model" });
  });

  it("follows interpret.mode from the config, which is how the scorer compares models", async () => {
    const { code, out } = await run(["--config", "llm.yaml", "interpret", SHOP]);
    expect(code).toBe(0);
    expect(out).toContain("(interpreter: llm:ollama/fake-model)");
    expect(out).toMatch(/# model ollama\/fake-model: 1 call\(s\), 500 in \/ 100 out tokens/);
  });

  it("stays on the rules without a configured model, and --llm says why", async () => {
    const plain = await run(["interpret", SHOP, "--json"]);
    expect(JSON.parse(plain.out)).toMatchObject({ interpreter: "rules" });
    const asked = await run(["interpret", SHOP, "--llm", "--json"]);
    const result = JSON.parse(asked.out) as { interpreter: string; assumptions: string[] };
    expect(result.interpreter).toBe("rules");
    expect(result.assumptions[0]).toMatch(/no model configured/);
  });

  it("takes CODEPLOY_INTERPRET=rules over the config", async () => {
    const before = fake.requests.length;
    const { out } = await run(["--config", "llm.yaml", "interpret", SHOP, "--json"], {
      CODEPLOY_INTERPRET: "rules",
    });
    expect(JSON.parse(out)).toMatchObject({ interpreter: "rules" });
    expect(fake.requests.length).toBe(before);
  });
});
