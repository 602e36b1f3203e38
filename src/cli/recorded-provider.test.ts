/**
 * Rollback, status and destroy use the provider recorded with the deployment:
 * a rehearsal made with `--provider null` never touches a Docker engine, even
 * though the spec's target is docker. DOCKER_HOST points at a socket that
 * only counts connections; a plain docker apply (the control) does reach it.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { openStateStore } from "../state/index.js";
import { main } from "./main.js";
import { captureIo } from "./test-io.js";

const work = mkdtempSync(join(tmpdir(), "codeploy-recorded-"));
const home = join(work, "home");
const socket = join(work, "docker.sock");
let connections = 0;
let server: Server;

beforeAll(async () => {
  server = createServer((s) => {
    connections++;
    s.destroy();
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const run = async (argv: string[]) => {
  const io = captureIo({
    cwd: work,
    env: { CODEPLOY_HOME: home, CODEPLOY_ACTOR: "tester", DOCKER_HOST: `unix://${socket}` },
  });
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
};

const spec = (image: string) => ({
  name: "rehearse",
  environment: "dev",
  target: "docker",
  services: [{ name: "web", image, port: 8080, healthCheck: { path: "/" } }],
});
writeFileSync(join(work, "v1.yaml"), stringify(spec("nginx:1.27")));
writeFileSync(join(work, "v2.yaml"), stringify(spec("nginx:1.28")));

describe("the provider recorded with a deployment", () => {
  it("records the provider of each deployment", async () => {
    expect((await run(["apply", "v1.yaml", "--provider", "null", "--yes"])).code).toBe(0);
    expect((await run(["apply", "v2.yaml", "--provider", "null", "--yes"])).code).toBe(0);
    const store = await openStateStore({ home });
    try {
      const runs = await store.listDeployments({ app: "rehearse" });
      expect(runs.map((d) => d.provider)).toEqual(["null", "null"]);
    } finally {
      await store.close();
    }
    expect(connections).toBe(0);
  });

  it("rollback, status and destroy without --provider use null and never contact the Docker engine", async () => {
    const back = await run(["rollback", "rehearse", "--env", "dev", "--yes"]);
    expect(back.err).toBe("");
    expect(back.code).toBe(0);
    expect(back.out).toContain("rollback succeeded (revision 1");
    const status = await run(["status", "rehearse", "--env", "dev"]);
    expect(status.code).toBe(0);
    const destroy = await run(["destroy", "rehearse", "--env", "dev", "--yes"]);
    expect(destroy.code).toBe(0);
    expect(connections).toBe(0);
    const store = await openStateStore({ home });
    try {
      const runs = await store.listDeployments({ app: "rehearse" });
      expect(runs.map((d) => `${d.action}:${d.provider}`)).toEqual([
        "destroy:null",
        "rollback:null",
        "apply:null",
        "apply:null",
      ]);
    } finally {
      await store.close();
    }
  });

  it("control: an apply with the spec's own target (docker) does contact the engine behind DOCKER_HOST", async () => {
    // The socket drops every connection, which the docker provider retries as a busy engine: give up fast.
    writeFileSync(
      join(work, "codeploy.yaml"),
      stringify({ providers: { docker: { connectTimeoutSeconds: 1 } } }),
    );
    const r = await run(["apply", "v1.yaml", "--yes"]);
    expect(r.code).toBe(1);
    expect(connections).toBeGreaterThan(0);
  }, 60_000);
});
