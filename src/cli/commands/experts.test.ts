import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeLlmServer, startFakeLlmServer } from "../../llm/__fixtures__/fake-llm-server.js";
import { main } from "../main.js";
import { captureIo } from "../test-io.js";

let fake: FakeLlmServer;
const work = mkdtempSync(join(tmpdir(), "codeploy-experts-"));
const env = { CODEPLOY_HOME: join(work, "home"), TEST_KEY: "sk-ant-test-1234567890abcdef" };

beforeAll(async () => {
  fake = await startFakeLlmServer((req) => {
    const body = JSON.stringify(req.body);
    if (body.includes('"summary"'))
      return { object: { summary: `consensus by ${req.model}`, recommendations: ["enable backups"] } };
    if (req.model === "slow") return { fault: "hang" };
    return {
      object: {
        answer: `answer of ${req.model}`,
        points: [
          "Enable daily backups of postgres",
          req.model === "m1" ? "Archive the WAL continuously" : "Test a restore every month",
        ],
      },
      usage: { input: 2000, output: 1000 },
    };
  });
  writeFileSync(
    join(work, "codeploy.yaml"),
    [
      "experts:",
      "  members:",
      `    - { name: alpha, provider: openai-compatible, model: m1, baseUrl: "${fake.baseUrl}/v1", price: { inputPerMTok: 1.0, outputPerMTok: 2.0 } }`,
      `    - { name: beta, provider: anthropic, model: claude-sonnet-4-5, apiKeyEnv: TEST_KEY, baseUrl: "${fake.baseUrl}" }`,
      `    - { name: slow, provider: ollama, model: slow, baseUrl: "${fake.baseUrl}" }`,
      "    - { name: nokey, provider: anthropic, model: claude-haiku-4-5, apiKeyEnv: MISSING_KEY }",
      "    - { name: down, provider: ollama, model: llama3.1, baseUrl: http://127.0.0.1:9 }",
      "  chair: [beta, alpha]",
      "  deadlineSeconds: 30",
    ].join("\n"),
  );
});
afterAll(() => fake.close());

/** The real CLI, as `codeploy` runs it, in the folder of the test's codeploy.yaml. */
async function run(...argv: string[]) {
  const io = captureIo({ cwd: work, env });
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe("codeploy experts (fake provider servers)", () => {
  it("lists each member and why it is not usable", async () => {
    const { code, out } = await run("experts", "list", "--json");
    expect(code).toBe(0);
    const members = (
      JSON.parse(out) as { members: { name: string; usable: boolean; reason: string | null }[] }
    ).members;
    const by = Object.fromEntries(members.map((m) => [m.name, m]));
    expect(by.alpha?.usable).toBe(true);
    expect(by.beta?.usable).toBe(true);
    expect(by.nokey?.reason).toBe("missing key: set MISSING_KEY");
    expect(by.down?.reason).toMatch(/^unreachable: http:\/\/127\.0\.0\.1:9/);
  });

  it("asks, reports a late member with its cause, records the consultation, and caches it", async () => {
    const ask = await run(
      "experts",
      "ask",
      "--experts",
      "alpha,beta,slow",
      "--deadline",
      "500ms",
      "--json",
      "how",
      "to",
      "back",
      "up?",
    );
    expect(ask.code).toBe(0);
    const result = JSON.parse(ask.out);
    expect(result.question).toBe("how to back up?");
    expect(result.answers.map((a: { status: string }) => a.status)).toEqual(["ok", "ok", "timeout"]);
    expect(result.answers[2].error).toContain("deadline");
    expect(result.answers[2].costUsd).toBe(0);
    expect(result.consensus.points[0]).toEqual({
      text: "Enable daily backups of postgres",
      support: ["alpha", "beta"],
      share: 1,
    });
    expect(result.consensus.method).toBe("chair:beta");
    // alpha: 2000 in at $1/MTok + 1000 out at $2/MTok; beta (claude-sonnet-4-5) from the price table: $3 and $15.
    expect(result.answers[0].costUsd).toBeCloseTo(0.004, 8);
    expect(result.answers[1].costUsd).toBeCloseTo(0.021, 8);
    // Estimated before sending: the prompt plus all 800 allowed output tokens at $2/MTok for alpha.
    expect(result.answers[0].estimateUsd).toBeGreaterThan(800 * 2e-6);
    expect(result.cost.byStage.answers).toBeCloseTo(0.025, 8);
    expect(result.cached).toBe(false);
    expect(
      JSON.stringify(
        fake.requests.filter((r) => r.model === "claude-sonnet-4-5").map((r) => r.headers["x-api-key"]),
      ),
    ).toContain(env.TEST_KEY);

    const again = JSON.parse(
      (await run("experts", "ask", "--experts", "alpha,beta", "--json", "how", "to", "back", "up?")).out,
    );
    expect(
      again.answers.every((a: { cached: boolean; costUsd: number }) => a.cached && a.costUsd === 0),
    ).toBe(true);
    expect(again.cached).toBe(true);

    const history = await run("experts", "history", "--json");
    const list = JSON.parse(history.out).consultations as { id: string; question: string }[];
    expect(list).toHaveLength(2);
    expect(list[1]?.id).toBe(result.id);

    const exported = await run("experts", "export", result.id.slice(0, 8), "--out", "notes");
    expect(exported.code).toBe(0);
    const [file] = readdirSync(join(work, "notes"));
    const md = readFileSync(join(work, "notes", file ?? ""), "utf8");
    expect(md).toContain("# how to back up?");
    expect(md).toContain("- Enable daily backups of postgres (alpha, beta; 100%)");
    expect(md).toContain("> no answer within the 0.5 s deadline");
  });

  it("prints the answers for people and refuses unknown experts, bad deadlines and budgets", async () => {
    const human = await run("experts", "ask", "--experts", "alpha", "--no-cache", "which", "cache?");
    expect(human.out).toMatch(/Consensus \(chair:alpha, confidence 0\.5\)/);
    expect(human.out).toMatch(/alpha\s+ok/);
    expect((await run("experts", "ask", "--experts", "zeta", "q")).err).toContain("unknown expert: zeta");
    expect((await run("experts", "ask", "--experts", "nokey", "q")).err).toContain(
      "missing key: set MISSING_KEY",
    );
    expect((await run("experts", "ask", "--deadline", "soon", "q")).code).toBe(2);
    const budget = await run("experts", "ask", "--experts", "beta", "--budget", "0.00001", "--no-cache", "q");
    expect(budget.code).toBe(1);
    expect(budget.err).toContain("budget");
  });
});
