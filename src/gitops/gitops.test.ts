import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createGit } from "./git.js";
import { repoLocation, workingCopyName } from "./location.js";
import { commitMessage, recordFiles, redactedValues } from "./record.js";
import { checkRef, writeRevision } from "./writer.js";

const work = mkdtempSync(join(tmpdir(), "codeploy-gitops-unit-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("repository locations", () => {
  it("take credentials out of a URL and resolve a relative path", () => {
    expect(repoLocation("https://bot:s3cret-tok@git.example.com/ops/deploy.git", "/base")).toEqual({
      url: "https://git.example.com/ops/deploy.git",
      local: false,
      credentials: { username: "bot", password: "s3cret-tok" },
    });
    expect(repoLocation("./deployments.git", "/base")).toEqual({ url: "/base/deployments.git", local: true });
    expect(repoLocation("git@github.com:ops/deploy.git", "/base")).toEqual({
      url: "git@github.com:ops/deploy.git",
      local: false,
    });
  });

  it("refuse what git would read as an option, and other transports", () => {
    expect(() => repoLocation("--upload-pack=sh", "/")).toThrow(/not a repository location/);
    expect(() => repoLocation("ext::sh -c id", "/")).not.toThrow(); // a relative path, never a transport
    expect(repoLocation("ext::sh -c id", "/b").local).toBe(true);
    expect(() => repoLocation("ftp://host/x.git", "/")).toThrow(/unsupported repository scheme/);
    expect(() => checkRef("--output=x")).toThrow(/not a plain Git name/);
    expect(() => checkRef("a/../b")).toThrow(/not a plain Git name/);
    expect(checkRef("release/1.2")).toBe("release/1.2");
  });

  it("name working copies injectively: URLs that read alike differ by their hash", () => {
    const a = workingCopyName("https://h/a-b/c.git");
    const b = workingCopyName("https://h/a/b-c.git");
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[a-z0-9-]+-[0-9a-f]{32}$/);
    expect(workingCopyName("https://h/a-b/c.git")).toBe(a);
  });
});

describe("what a revision becomes", () => {
  const record = {
    app: "shop",
    environment: "staging",
    revision: 3,
    action: "apply" as const,
    deployment: "d-1",
    actor: "ana",
    request: "deploy the shop\nwith postgres",
    spec: { name: "shop", services: [{ env: { DB_PASSWORD: "[redacted]" } }] },
    artifacts: {
      target: "docker" as const,
      files: [
        { path: ".env", content: "PW=generated\n", sensitive: true },
        { path: "compose.yaml", content: "DB_PASSWORD: hunter2-literal\n" },
        { path: "prometheus.yml", content: "scrape: []\n" },
      ],
    },
    steps: [{ action: "create" }, { action: "create" }, { action: "update" }, { action: "noop" }],
    monthlyUsd: 12.5,
    withheld: redactedValues(
      { services: [{ env: { DB_PASSWORD: "hunter2-literal", URL: "postgres://u:pw-in-url@db/x" } }] },
      { services: [{ env: { DB_PASSWORD: "[redacted]", URL: "postgres://u:[redacted]@db/x" } }] },
    ),
  };

  it("finds the values a redaction took out, whole or inside a string", () => {
    expect(record.withheld).toEqual(["hunter2-literal", "pw-in-url"]);
  });

  it("withholds sensitive files and files holding a redacted value, and lists them", () => {
    const files = recordFiles(record);
    expect([...files.keys()].sort()).toEqual(["artifacts/prometheus.yml", "spec.yaml", "withheld.json"]);
    expect(JSON.parse(files.get("withheld.json") ?? "").files.map((f: { path: string }) => f.path)).toEqual([
      "artifacts/.env",
      "artifacts/compose.yaml",
    ]);
  });

  it("says what was asked, by whom, the plan and the cost in the message", () => {
    expect(commitMessage(record)).toBe(
      [
        "shop/staging: apply revision 3",
        "",
        "Request: deploy the shop with postgres",
        "Actor: ana",
        "Plan: 2 to create, 1 to update, 0 to delete",
        "Cost: $12.50/month (estimate)",
        "Deployment: d-1",
        "Revision: 3",
        "",
      ].join("\n"),
    );
  });
});

describe("git with credentials", () => {
  it("sends them to an HTTP remote as a header (a loopback server records what it gets)", async () => {
    const seen: (string | undefined)[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.statusCode = 404;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const { port } = server.address() as AddressInfo;
      const git = createGit({ credentials: { username: "x-access-token", password: "tok-from-env" } });
      await expect(git(work, ["ls-remote", `http://127.0.0.1:${port}/ops/deploy.git`])).rejects.toMatchObject(
        {
          code: "GIT_FAILED",
        },
      );
      expect(seen[0]).toBe(`Basic ${Buffer.from("x-access-token:tok-from-env").toString("base64")}`);
    } finally {
      server.close();
    }
  });

  it("never writes them into the working copy nor into an error", async () => {
    const git = createGit({ credentials: { username: "bot", password: "tok-9f8e7d6c5b4a" } });
    const repo = repoLocation("https://bot:tok-9f8e7d6c5b4a@127.0.0.1:9/ops/deploy.git", "/");
    const home = join(work, "home");
    const error = await writeRevision(
      { repo, home, git },
      {
        app: "a",
        environment: "dev",
        revision: 1,
        action: "apply",
        deployment: "d",
        actor: "x",
        spec: {},
        artifacts: { target: "docker", files: [] },
        steps: [],
      },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "GIT_FAILED" });
    expect(String((error as Error).message)).not.toContain("tok-9f8e7d6c5b4a");
    const { workingCopyPath } = await import("./location.js");
    const config = readFileSync(join(workingCopyPath(home, repo.url), ".git/config"), "utf8");
    expect(config).toContain("https://127.0.0.1:9/ops/deploy.git");
    expect(config).not.toContain("tok-9f8e7d6c5b4a");
    expect(config).not.toContain("bot");
  });
});
