/**
 * `codeploy mcp` as an assistant runs it: the built CLI (`npm run build`,
 * then bin/codeploy.cjs) spawned over stdio, on a throwaway CODEPLOY_HOME with
 * the null provider. Clients: the SDK's own (2026-07-28 pinned, and the 2025
 * handshake), and one nobody here wrote: the MCP Inspector's CLI mode
 * (@modelcontextprotocol/inspector-cli, itself on SDK v1), listing the tools
 * and calling plan.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "..");
const bin = join(root, "bin/codeploy.cjs");
/** The Inspector's CLI entry (the `--cli` mode of `npx @modelcontextprotocol/inspector`). */
const inspector = createRequire(import.meta.url).resolve("@modelcontextprotocol/inspector-cli");

let home: string;
const env = () => ({
  ...(process.env as Record<string, string>),
  CODEPLOY_HOME: home,
  CODEPLOY_INTERPRET: "rules",
  CODEPLOY_ACTOR: "alice",
});

async function connect(args: string[] = [], era: "modern" | "legacy" = "modern"): Promise<Client> {
  const client = new Client(
    { name: "codeploy-test", version: "1" },
    era === "modern" ? { versionNegotiation: { mode: { pin: "2026-07-28" } } } : {},
  );
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [bin, "mcp", ...args],
      env: env(),
      stderr: "pipe",
    }),
  );
  return client;
}

interface Answer {
  readonly isError?: boolean;
  readonly structuredContent?: Record<string, unknown>;
  readonly content: readonly { type: string; text?: string }[];
}

const call = async (client: Client, name: string, args: Record<string, unknown>) =>
  (await client.callTool({ name, arguments: args })) as Answer;

function inspect(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, reject) => {
    const child = spawn(
      process.execPath,
      [
        inspector,
        "--cli",
        "-e",
        `CODEPLOY_HOME=${home}`,
        "-e",
        "CODEPLOY_INTERPRET=rules",
        process.execPath,
        bin,
        "mcp",
        ...args,
      ],
      // The inspector picks its package.json by testing "../package.json" against the working
      // directory but imports it relative to itself: from a folder one below package.json both agree.
      { env: env(), stdio: ["ignore", "pipe", "pipe"], cwd: join(root, "bin") },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill(), 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

const staging = {
  name: "shop",
  environment: "staging",
  services: [{ name: "web", image: "nginx:1.27", port: 80 }],
};

describe("codeploy mcp over stdio", () => {
  beforeAll(async () => {
    if (!existsSync(join(root, "dist/mcp/stdio.js")))
      throw new Error("run `npm run build` first: this test spawns the built CLI");
    home = await mkdtemp(join(tmpdir(), "codeploy-mcp-stdio-"));
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it.each(["modern", "legacy"] as const)("negotiates the %s era and lists every tool", async (era) => {
    const client = await connect([], era);
    expect(client.getNegotiatedProtocolVersion()).toBe(era === "modern" ? "2026-07-28" : "2025-11-25");
    const names = (await client.listTools()).tools.map((t) => t.name);
    for (const tool of [
      "interpret",
      "plan",
      "apply",
      "status",
      "history",
      "rollback",
      "destroy",
      "logs",
      "audit_verify",
      "drift",
      "experts_ask",
      "video_to_doc",
    ])
      expect(names).toContain(tool);
    await client.close();
  });

  it("plans, applies with the planId, then serves the spec, plan and history as resources", async () => {
    const client = await connect();
    const interpreted = await call(client, "interpret", { text: "deploy nginx:1.27 as web to staging" });
    expect(interpreted.structuredContent).toMatchObject({ environment: "staging", action: "deploy" });
    const plan = await call(client, "plan", { spec: staging, provider: "null" });
    const planId = String(plan.structuredContent?.planId);
    expect(planId).toMatch(/^apply\./);
    const progress: string[] = [];
    const applied = (await client.callTool(
      { name: "apply", arguments: { planId } },
      { onprogress: (p) => progress.push(String(p.message)) },
    )) as Answer;
    // Step events reached the client as progress notifications while it ran.
    expect(progress.some((m) => m.startsWith("step-succeeded"))).toBe(true);
    expect(applied.isError, JSON.stringify(applied)).toBeFalsy();
    expect(applied.structuredContent).toMatchObject({ changed: true, deployment: { outcome: "succeeded" } });
    const again = await call(client, "apply", { planId });
    expect(JSON.parse(again.content[0]?.text ?? "{}").error.code).toBe("PLAN_STALE");

    const { resources } = await client.listResources();
    const uris = resources.map((r) => r.uri);
    expect(uris).toContain("codeploy://schema/deployment-spec");
    expect(uris).toContain("codeploy://apps/shop/staging/spec");
    const spec = await client.readResource({ uri: "codeploy://apps/shop/staging/spec" });
    expect(JSON.parse(String((spec.contents[0] as { text: string }).text))).toMatchObject({
      name: "shop",
      environment: "staging",
    });
    const last = await client.readResource({ uri: "codeploy://apps/shop/staging/plan" });
    expect(JSON.parse(String((last.contents[0] as { text: string }).text))).toMatchObject({ planId });
    const history = await client.readResource({ uri: "codeploy://apps/shop/staging/history" });
    expect(JSON.parse(String((history.contents[0] as { text: string }).text)).deployments).toHaveLength(1);
    const schema = await client.readResource({ uri: "codeploy://schema/deployment-spec" });
    expect(
      JSON.parse(String((schema.contents[0] as { text: string }).text)).properties.services,
    ).toBeDefined();

    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name).sort()).toEqual([
      "deploy_from_description",
      "diagnose_failed_deployment",
    ]);
    const prompt = await client.getPrompt({
      name: "deploy_from_description",
      arguments: { description: "the shop on staging" },
    });
    expect(JSON.stringify(prompt.messages)).toContain("planId");
    await client.close();
  });

  it("--read-only lists no tool that changes what runs", async () => {
    const client = await connect(["--read-only"], "legacy");
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toContain("plan");
    expect(names.filter((n) => ["apply", "rollback", "destroy"].includes(n))).toEqual([]);
    await client.close();
  });

  it("the MCP Inspector's CLI lists the tools and calls plan", async () => {
    const listed = await inspect(["--method", "tools/list"]);
    expect(listed.code, listed.stderr).toBe(0);
    const tools = (JSON.parse(listed.stdout) as { tools: { name: string }[] }).tools.map((t) => t.name);
    expect(tools).toContain("plan");
    expect(tools).toContain("apply");
    const planned = await inspect([
      "--method",
      "tools/call",
      "--tool-name",
      "plan",
      "--tool-arg",
      "text=deploy nginx:1.27 to staging",
    ]);
    expect(planned.code, planned.stderr).toBe(0);
    const answer = JSON.parse(planned.stdout) as {
      structuredContent?: { planId?: string; environment?: string };
    };
    expect(answer.structuredContent?.planId).toMatch(/^apply\./);
    expect(answer.structuredContent?.environment).toBe("staging");
  });
});
