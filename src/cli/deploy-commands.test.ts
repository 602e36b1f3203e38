import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { openStateStore } from "../state/index.js";
import { blogSpec as base } from "./__fixtures__/blog-spec.js";
import { main } from "./main.js";
import { captureIo } from "./test-io.js";

const work = mkdtempSync(join(tmpdir(), "codeploy-cli-deploy-"));
const home = join(work, "home");
const run = async (argv: string[], options: { isTty?: boolean; env?: Record<string, string> } = {}) => {
  const { env = {}, ...rest } = options;
  const io = captureIo({
    cwd: work,
    env: { CODEPLOY_HOME: home, CODEPLOY_ACTOR: "tester", ...env },
    ...rest,
  });
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
};

writeFileSync(join(work, "v1.yaml"), stringify(base));
writeFileSync(
  join(work, "v2.yaml"),
  stringify({ ...base, services: [{ ...base.services[0], image: "ghost:5.81" }] }),
);
writeFileSync(
  join(work, "bad.yaml"),
  stringify({
    ...base,
    name: "risky",
    environment: "production",
    buckets: [{ name: "files", public: true }],
  }),
);

describe("the local actor", () => {
  it("records CODEPLOY_ACTOR without control characters, and never as a server principal", async () => {
    const actors = ["ops\u001b[2K\r\nroot", "key:ci"];
    for (const [i, actor] of actors.entries()) {
      writeFileSync(join(work, `actor-${i}.yaml`), stringify({ ...base, name: `actor-app-${i}` }));
      const r = await run(["apply", `actor-${i}.yaml`, "--provider", "null", "--yes"], {
        env: { CODEPLOY_ACTOR: actor },
      });
      expect(r.code).toBe(0);
    }
    const store = await openStateStore({ home });
    try {
      const recorded = await Promise.all(
        actors.map(async (_, i) => (await store.listDeployments({ app: `actor-app-${i}` }))[0]?.actor),
      );
      expect(recorded).toEqual(["ops[2Kroot", "cli:key:ci"]);
    } finally {
      await store.close();
    }
  });
});

describe("apply, status, history, rollback, destroy (null provider)", () => {
  let applied: string | undefined;

  it("refuses to apply without a terminal and without --yes", async () => {
    const r = await run(["apply", "v1.yaml", "--provider", "null"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("--yes");
  });

  it("applies with --yes, printing the plan and plain progress lines", async () => {
    const r = await run(["apply", "v1.yaml", "--yes", "--provider", "null"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toContain("Plan for blog in staging");
    expect(r.out).toMatch(/✓ database:mysql \d+\.\ds/);
    expect(r.out).toContain("blog/staging: succeeded (revision 1");
  });

  it("says there is nothing to change when the spec is unchanged", async () => {
    const r = await run(["apply", "v1.yaml", "--yes", "--provider", "null"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("Nothing to change");
  });

  it("prints one JSON event per line with --json", async () => {
    const r = await run(["apply", "v2.yaml", "--yes", "--json", "--provider", "null"]);
    expect(r.code).toBe(0);
    const events = r.out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; stepId?: string });
    expect(events[0]?.type).toBe("run-started");
    expect(events.filter((e) => e.type === "step-succeeded").map((e) => e.stepId)).toEqual(["service:web"]);
    expect(events.at(-2)?.type).toBe("run-finished");
    const result = events.at(-1) as {
      type: string;
      deployment?: string;
      revision?: number;
      outcome?: string;
    };
    expect(result).toMatchObject({ type: "result", revision: 2, outcome: "succeeded" });
    expect(result.deployment).toMatch(/^[0-9a-f-]{36}$/);
    applied = result.deployment;
  });

  it("ends --json with the result line also when nothing changed: what runs, and the deployment that made it", async () => {
    const r = await run(["apply", "v2.yaml", "--yes", "--json", "--provider", "null"]);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? "")).toEqual({
      type: "result",
      deployment: applied,
      revision: 2,
      outcome: "unchanged",
    });
  });

  it("ends --json with a result line when policy refuses", async () => {
    const r = await run(["apply", "bad.yaml", "--yes", "--json", "--provider", "null"]);
    expect(r.code).toBe(1);
    const last = r.out.trim().split("\n").at(-1) ?? "";
    expect(JSON.parse(last)).toEqual({
      type: "result",
      deployment: null,
      revision: null,
      outcome: "refused",
    });
  });

  it("refuses a plan with policy errors unless --accept-risk, and audits the refusal", async () => {
    const r = await run(["apply", "bad.yaml", "--yes", "--provider", "null"]);
    expect(r.code).toBe(1);
    expect(r.out).toContain("CODE-SEC-001");
    const audit = await run(["audit", "list", "--json"]);
    const records = (JSON.parse(audit.out) as { records: { command: string; outcome: string }[] }).records;
    expect(records[0]).toMatchObject({ command: "apply", outcome: "refused" });
  });

  it("refuses a spec whose secrets are not set before asking for confirmation, naming what to set", async () => {
    const spec = {
      ...base,
      name: "paid",
      services: [{ ...base.services[0], env: { STRIPE_KEY: "secret:stripe" } }],
    };
    writeFileSync(join(work, "paid.yaml"), stringify(spec));
    const r = await run(["apply", "paid.yaml", "--provider", "null"]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/refers to a secret that is not set: stripe/);
    expect(r.err).toContain("CODEPLOY_SECRET_STRIPE");
    expect(r.err).not.toContain("--yes");
    const set = await run(["apply", "paid.yaml", "--yes", "--provider", "null"], {
      env: { CODEPLOY_SECRET_STRIPE: "sk_live_x" },
    });
    expect(set.code).toBe(0);
    // No secrets: section: the CLI deploys it (the person holds the value) but says a server would refuse it.
    expect(set.err.match(/warning: secret stripe is not declared/g)).toHaveLength(1);
    const audit = await run(["audit", "list", "--json"]);
    const records = (
      JSON.parse(audit.out) as { records: { target: string; outcome: string; details: unknown }[] }
    ).records;
    // Newest first: the end of the run, its start (so a killed run leaves a trace), the refusal.
    expect(records.filter((x) => x.target === "paid/staging").map((x) => x.outcome)).toEqual([
      "ok",
      "started",
      "refused",
    ]);
    expect(audit.out).not.toContain("sk_live_x");
  });

  it("refuses a declared secret outside its environments, before asking, and audits it", async () => {
    writeFileSync(
      join(work, "scoped.yaml"),
      stringify({ secrets: { stripe: { environments: ["production"] } } }),
    );
    const r = await run(["apply", "paid.yaml", "--config", "scoped.yaml", "--provider", "null"], {
      env: { CODEPLOY_SECRET_STRIPE: "sk_live_x" },
    });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /paid\/staging refers to secrets it may not use \(not allowed in paid\/staging: stripe\)/,
    );
    expect(r.err).toContain("secrets: section of codeploy.yaml");
    const rendered = await run(["render", "paid.yaml", "--config", "scoped.yaml", "--out", "scoped-out"], {
      env: { CODEPLOY_SECRET_STRIPE: "sk_live_x" },
    });
    expect(rendered.code).toBe(1);
    expect(rendered.err).toContain("may not use");
    const audit = await run(["audit", "list", "--json"]);
    const [last] = (JSON.parse(audit.out) as { records: { outcome: string; details: unknown }[] }).records;
    expect(last).toMatchObject({
      outcome: "refused",
      details: { reason: "secrets", code: "SECRET_FORBIDDEN", outOfScope: ["stripe"] },
    });
  });

  it("shows status and history", async () => {
    const status = await run(["status", "blog", "--json"]);
    const env = (
      JSON.parse(status.out) as {
        environments: { currentRevision: number; lastDeployment: { state: string } }[];
      }
    ).environments[0];
    expect(env?.currentRevision).toBe(2);
    expect(env?.lastDeployment.state).toBe("succeeded");
    const history = await run(["history", "blog"]);
    expect(history.out.trim().split("\n")).toHaveLength(2);
    expect(history.out).toContain("by tester");
  });

  it("rolls back to the previous revision and destroys after typing the app name", async () => {
    const back = await run(["rollback", "blog", "--env", "staging", "--yes", "--provider", "null"]);
    expect(back.code).toBe(0);
    expect(back.out).toContain("rollback succeeded (revision 1");
    const store = await openStateStore({ home });
    expect((await store.status({ app: "blog" }))[0]?.currentRevision).toBe(1);
    await store.close();
    const destroy = await run(["destroy", "blog", "--env", "staging", "--yes", "--provider", "null"]);
    expect(destroy.code).toBe(0);
    expect(destroy.out).toContain("remove network for blog-staging");
    const after = await run(["status", "blog"]);
    expect(after.out).toContain("not running");
  });

  it("verifies the audit chain", async () => {
    const r = await run(["audit", "verify"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/audit log intact: \d+ record\(s\)/);
  });

  it("frees a lock with unlock", async () => {
    const store = await openStateStore({ home });
    await store.acquireLock(
      { app: "blog", environment: "staging" },
      { actor: "ghost", pid: 999_999, host: "elsewhere" },
    );
    await store.close();
    const blocked = await run(["apply", "v1.yaml", "--yes", "--provider", "null"]);
    expect(blocked.code).toBe(1);
    expect(blocked.err).toContain("locked by ghost since");
    // Another host's holder whose lease is fresh counts as alive: refused, naming it, unless --force.
    const refused = await run(["unlock", "blog", "--env", "staging"]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(
      "blog/staging is held by ghost (pid 999999 on elsewhere), which is still running",
    );
    expect(refused.err).toContain("--force");
    const r = await run(["unlock", "blog", "--env", "staging", "--force"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("unlocked blog/staging (was held by ghost");
    const audit = await run(["audit", "list", "--json", "-n", "2"]);
    const records = (
      JSON.parse(audit.out) as { records: { command: string; outcome: string; details: unknown }[] }
    ).records;
    expect(records.map((x) => [x.command, x.outcome])).toEqual([
      ["unlock", "ok"],
      ["unlock", "refused"],
    ]);
    expect(records[0]?.details).toMatchObject({
      force: true,
      freed: true,
      holder: { actor: "ghost", host: "elsewhere" },
    });
    expect((await run(["apply", "v1.yaml", "--yes", "--provider", "null"])).code).toBe(0);
  });
});
