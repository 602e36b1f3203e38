import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type FakeLlmServer,
  type FakeReply,
  type FakeRequest,
  startFakeLlmServer,
} from "../llm/__fixtures__/fake-llm-server.js";
import { createLlmClient, type LlmProviderKind, priceOf } from "../llm/index.js";
import { memoryCache } from "./cache.js";
import { askCircle } from "./circle.js";
import { BudgetError } from "./ledger.js";
import type { ExpertMember } from "./types.js";

/** Which structured output the request asks for, read from the schema it sent. */
function schemaKind(req: FakeRequest): string {
  const at = (value: unknown, ...path: (string | number)[]): unknown =>
    path.reduce<unknown>(
      (v, k) =>
        typeof v === "object" && v !== null ? (v as Record<string | number, unknown>)[k] : undefined,
      value,
    );
  const b = req.body;
  const schema =
    at(b, "response_format", "json_schema", "schema") ??
    at(b, "tools", 0, "input_schema") ??
    at(b, "generationConfig", "responseJsonSchema") ??
    at(b, "format");
  const properties = at(schema, "properties");
  return typeof properties === "object" && properties !== null
    ? (Object.keys(properties)[0] ?? "text")
    : "text";
}

function promptOf(req: FakeRequest): string {
  return JSON.stringify(req.body);
}

const ANSWERS: Record<string, { answer: string; points: string[] }> = {
  alpha: {
    answer: "Use Postgres with backups.",
    points: ["Use managed Postgres for the database", "Enable daily backups"],
  },
  beta: {
    answer: "Postgres, backed up.",
    points: ["Use a managed Postgres database", "Turn on daily backups", "Add a read replica"],
  },
  gamma: {
    answer: "Postgres is right.",
    points: ["Managed Postgres database is the right choice", "Put Redis in front as a cache"],
  },
};

function behaviour(req: FakeRequest): FakeReply {
  const name = req.model;
  const kind = schemaKind(req);
  if (name === "hang") return { fault: "hang" };
  if (name === "broken") return { fault: "500" };
  if (name === "limited") return { fault: "429", retryAfterSeconds: 60 };
  if (kind === "summary")
    return { object: { summary: `synthesis by ${name}`, recommendations: ["use managed postgres"] } };
  if (kind === "ranking") {
    // Every reviewer ranks by answer length: the longest first. Labels are whatever it was shown.
    const labels = [...promptOf(req).matchAll(/Response ([A-Z]):\\n([^\\]*?)\\n/g)].map((m) => ({
      label: m[1] ?? "",
      len: (m[2] ?? "").length,
    }));
    return { object: { ranking: labels.sort((a, b) => b.len - a.len).map((l) => l.label) } };
  }
  return { object: ANSWERS[name] ?? { answer: "?", points: [] }, usage: { input: 1000, output: 500 } };
}

let fake: FakeLlmServer;
beforeAll(async () => {
  fake = await startFakeLlmServer(behaviour);
});
afterAll(() => fake.close());

const PROVIDERS: Record<string, LlmProviderKind> = {
  alpha: "openai-compatible",
  beta: "anthropic",
  gamma: "gemini",
  hang: "ollama",
  broken: "openai-compatible",
  limited: "anthropic",
};
const base = (p: LlmProviderKind) =>
  p === "openai-compatible" ? `${fake.baseUrl}/v1` : p === "gemini" ? `${fake.baseUrl}/v1beta` : fake.baseUrl;

function member(name: string, priced = true): ExpertMember {
  const provider = PROVIDERS[name] ?? "openai-compatible";
  return {
    name,
    client: createLlmClient({ provider, model: name, baseUrl: base(provider) }, { sleep: async () => {} }),
    price: priced ? priceOf(provider, name, { inputPerMTok: 1, outputPerMTok: 2 }) : undefined,
  };
}

describe("Circle of Experts against fake provider servers", () => {
  it("returns at the deadline with the answers that arrived and the real cause of each failure", async () => {
    const members = ["alpha", "beta", "gamma", "hang", "broken", "limited"].map((n) => member(n));
    const result = await askCircle("Which database for the shop?", {
      members,
      chair: ["alpha"],
      deadlineMs: 400,
    });
    const by = Object.fromEntries(result.answers.map((a) => [a.expert, a]));
    expect(by.alpha?.status).toBe("ok");
    expect(by.beta?.points).toContain("Add a read replica");
    expect(by.hang?.status).toBe("timeout");
    expect(by.hang?.error).toContain("deadline");
    expect(by.broken?.status).toBe("failed");
    expect(by.broken?.error).toMatch(/^HTTP 500: internal error in the fake/);
    expect(by.limited?.error).toMatch(/^HTTP 429: rate limited/);
    expect(result.answers).toHaveLength(6);

    const postgres = result.consensus.points.find((p) => /postgres/i.test(p.text));
    expect(postgres?.support).toEqual(["alpha", "beta", "gamma"]);
    expect(postgres?.share).toBe(1);
    expect(result.consensus.points.find((p) => /backups/i.test(p.text))?.support).toEqual(["alpha", "beta"]);
    expect(result.consensus.dissent.map((p) => p.text)).toEqual(
      expect.arrayContaining(["Add a read replica", "Put Redis in front as a cache"]),
    );
    expect(result.consensus.method).toBe("chair:alpha");
    expect(result.consensus.summary).toBe("synthesis by alpha");
    expect(result.consensus.confidence).toBeGreaterThan(0);
    expect(result.consensus.confidence).toBeLessThan(1);
    // 3 answers at 1000 in + 500 out tokens at $1/$2 per MTok = $0.002 each.
    expect(result.cost.byStage.answers).toBeCloseTo(0.006, 8);
    expect(result.cost.totalUsd).toBeGreaterThan(result.cost.byStage.answers);
  });

  it("tells a cancellation by the caller from a missed deadline", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const result = await askCircle("q", {
      members: [member("alpha"), member("hang")],
      deadlineMs: 5000,
      signal: controller.signal,
    });
    expect(result.answers.map((a) => [a.status, a.error])).toEqual([
      ["ok", undefined],
      ["failed", "cancelled before it answered"],
    ]);
  });

  it("hands the synthesis to the next chair, and without one left writes a deterministic summary", async () => {
    const members = ["alpha", "beta", "broken"].map((n) => member(n));
    const next = await askCircle("Which database?", { members, chair: ["broken", "beta"], deadlineMs: 2000 });
    expect(next.consensus.method).toBe("chair:beta");
    expect(next.consensus.notes[0]).toMatch(/^chair broken: HTTP 500/);
    const none = await askCircle("Which database?", { members, chair: ["broken"], deadlineMs: 2000 });
    expect(none.consensus.method).toBe("deterministic");
    expect(none.consensus.summary).toContain("2 of 3 experts answered");
    expect(none.consensus.summary).toMatch(/Agreed: .*Postgres/);
  });

  it("refuses before sending anything when the estimate exceeds the budget", async () => {
    const before = fake.requests.length;
    const error = await askCircle("Which database?", {
      members: [member("alpha"), member("beta")],
      budgetUsd: 0.0001,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BudgetError);
    expect(fake.requests.length).toBe(before);
  });

  it("flags an unpriced member instead of counting it as $0", async () => {
    const result = await askCircle("Which database?", {
      members: [member("alpha"), member("gamma", false)],
      deadlineMs: 2000,
    });
    expect(result.cost.unpriced).toEqual(["gamma"]);
    expect(result.answers.find((a) => a.expert === "gamma")?.costUsd).toBeUndefined();
  });

  it("answers the same question from the cache at no cost", async () => {
    const cache = memoryCache();
    const members = [member("alpha"), member("beta")];
    const first = await askCircle("Cache me?", { members, cache, deadlineMs: 2000 });
    const sent = fake.requests.length;
    const second = await askCircle("Cache me?", { members, cache, deadlineMs: 2000 });
    expect(first.cached).toBe(false);
    expect(second.cached).toBe(true);
    expect(second.cost.totalUsd).toBe(0);
    expect(fake.requests.length).toBe(sent);
    expect(second.consensus.points).toEqual(first.consensus.points);
  });

  it("ranks the answers by anonymised peer review, never showing a reviewer its own answer", async () => {
    const members = ["alpha", "beta", "gamma"].map((n) => member(n));
    const start = fake.requests.length;
    const result = await askCircle("Rank us", { members, review: true, deadlineMs: 2000 });
    const reviews = fake.requests.slice(start).filter((r) => schemaKind(r) === "ranking");
    expect(reviews).toHaveLength(3);
    for (const r of reviews) {
      const own = ANSWERS[r.model]?.answer ?? "";
      expect(promptOf(r)).not.toContain(own);
    }
    // Every reviewer puts the longest answer it sees first: alpha's, which 2 of the 3 reviewers see.
    const byLength = ["alpha", "beta", "gamma"].sort(
      (a, b) => (ANSWERS[b]?.answer.length ?? 0) - (ANSWERS[a]?.answer.length ?? 0),
    );
    expect(result.review?.scores[0]?.expert).toBe(byLength[0]);
    expect(result.review?.rankings.every((r) => !r.order.includes(r.reviewer))).toBe(true);
  });
});
