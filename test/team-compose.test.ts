/**
 * deploy/compose/team: CODE for a small team (API servers, workers, Postgres,
 * Redis) as a CODE spec that `codeploy` plans and renders to a compose file,
 * and as a hand-written compose file. Validated, not run: no Postgres or Redis image can be
 * pulled here, and `codeploy worker` comes with the worker's branch. Debian's
 * docker-compose 1.29 must accept it (`config`) with every secret from .env
 * and refuse it, naming the variable, without one; podman-compose 1.0 must
 * turn it into the podman commands we mean (`--dry-run up`, on the podman
 * harness's throwaway storage: a dry run still creates volumes and networks).
 */
import { execFile, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { startPodman } from "./helpers/podman.js";

const run = promisify(execFile);
const TEAM = new URL("../deploy/compose/team", import.meta.url).pathname;
const BIN = new URL("../bin/codeploy.cjs", import.meta.url).pathname;
const SECRETS = [
  "POSTGRES_PASSWORD",
  "REDIS_PASSWORD",
  "CODEPLOY_AUDIT_KEY",
  "CODEPLOY_SECRET_SEED",
  "CODEPLOY_JWT_SECRET",
] as const;

function missingTools(): string | undefined {
  for (const tool of ["docker-compose", "podman-compose"])
    if (spawnSync(tool, ["version"]).status !== 0)
      return `${tool} is not installed (apt-get install ${tool})`;
  return undefined;
}
const missing = missingTools();
if (missing && process.env.CI) throw new Error(`${missing} (CI is set, so a missing tool fails the tests)`);
if (missing) console.warn(`skipping team compose tests: ${missing}`);

const dirs: string[] = [];
let pm: Awaited<ReturnType<typeof startPodman>>;
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  await pm?.stop();
}, 120_000);

/** The compose file beside a .env with fresh hex secrets (all but `without`). */
async function project(without?: string): Promise<{ dir: string; secrets: Record<string, string> }> {
  const dir = await mkdtemp(join(tmpdir(), "codeploy-team-"));
  dirs.push(dir);
  await copyFile(join(TEAM, "compose.yaml"), join(dir, "compose.yaml"));
  const secrets = Object.fromEntries(SECRETS.map((k) => [k, randomBytes(32).toString("hex")]));
  const lines = Object.entries(secrets).filter(([k]) => k !== without);
  await writeFile(join(dir, ".env"), lines.map(([k, v]) => `${k}=${v}\n`).join(""), { mode: 0o600 });
  return { dir, secrets };
}

interface Service {
  image: string;
  command?: string[];
  user?: string;
  read_only?: boolean;
  cap_drop?: string[];
  ports?: unknown[];
  environment?: Record<string, string>;
  healthcheck?: unknown;
  deploy?: { replicas?: number };
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
}

describe.skipIf(missing !== undefined)("the team compose file", () => {
  it("docker-compose 1.29 accepts it: API and workers share the secrets, only the API is published", async () => {
    const { dir, secrets } = await project();
    await run("docker-compose", ["config", "-q"], { cwd: dir });
    const config = parse((await run("docker-compose", ["config"], { cwd: dir })).stdout) as {
      services: Record<string, Service>;
    };
    const { api, worker, postgres, redis } = config.services;
    expect(Object.keys(config.services).sort()).toEqual(["api", "postgres", "redis", "worker"]);
    expect(api?.command).toEqual(["serve", "--host", "0.0.0.0", "--port", "8080", "--role", "api"]);
    expect(worker?.command).toEqual(["worker", "--host", "0.0.0.0", "--port", "8080"]);
    expect(worker?.deploy?.replicas).toBe(2);
    for (const s of [api, worker]) {
      expect(s).toMatchObject({ user: "10001:10001", read_only: true, cap_drop: ["ALL"] });
      expect(s?.environment).toEqual({
        CODEPLOY_HOME: "/data",
        DATABASE_URL: `postgres://codeploy:${secrets.POSTGRES_PASSWORD}@postgres:5432/codeploy`,
        REDIS_URL: `redis://:${secrets.REDIS_PASSWORD}@redis:6379`,
        CODEPLOY_JWT_SECRET: secrets.CODEPLOY_JWT_SECRET,
        CODEPLOY_AUDIT_KEY: secrets.CODEPLOY_AUDIT_KEY,
        CODEPLOY_SECRET_SEED: secrets.CODEPLOY_SECRET_SEED,
      });
      // The image's HEALTHCHECK applies: a compose one would need a shell the image does not have.
      expect(s?.healthcheck).toBeUndefined();
      expect(s?.depends_on).toEqual({
        postgres: { condition: "service_healthy" },
        redis: { condition: "service_healthy" },
      });
    }
    expect(api?.ports).toHaveLength(1);
    expect(JSON.stringify(api?.ports)).toContain("127.0.0.1");
    expect(postgres?.ports).toBeUndefined();
    expect(redis?.ports).toBeUndefined();
    expect(postgres?.environment?.POSTGRES_PASSWORD).toBe(secrets.POSTGRES_PASSWORD);
    // Redis gets its password from the environment, not from the file's command line.
    expect(JSON.stringify(redis?.command)).not.toContain(secrets.REDIS_PASSWORD);
  });

  it.each(SECRETS)("docker-compose refuses it without %s, naming it", async (name) => {
    const { dir } = await project(name);
    const error = await run("docker-compose", ["config", "-q"], { cwd: dir }).catch(
      (e: { stderr: string }) => e,
    );
    expect(String((error as { stderr?: string }).stderr)).toContain(`set ${name} in .env`);
  });

  it("podman-compose 1.0 makes the podman commands meant: two workers, restricted, no shell health checks", async (ctx) => {
    pm = await startPodman();
    if (!pm) return ctx.skip();
    const { dir, secrets } = await project();
    const out = await run(
      "podman-compose",
      ["--podman-args", pm.cli.globals.join(" "), "-p", "team", "--dry-run", "up", "-d"],
      { cwd: dir, env: pm.cli.env, maxBuffer: 16 << 20, timeout: 120_000 },
    );
    const runs = out.stdout.split("\n").filter((l) => l.startsWith("podman run "));
    const byName = (name: string) => runs.find((l) => l.includes(`--name=team_${name} `)) ?? "";
    expect(runs.map((l) => /--name=(\S+)/.exec(l)?.[1]).sort()).toEqual([
      "team_api_1",
      "team_postgres_1",
      "team_redis_1",
      "team_worker_1",
      "team_worker_2",
    ]);
    // Every variable was substituted (podman-compose leaves forms it does not know as text).
    for (const line of runs) expect(line).not.toContain("${");
    for (const name of ["api_1", "worker_1", "worker_2"]) {
      const line = byName(name);
      expect(line).toContain("--read-only");
      expect(line).toContain("-u 10001:10001");
      expect(line).toContain("--cap-drop ALL");
      expect(line).toContain(`CODEPLOY_AUDIT_KEY=${secrets.CODEPLOY_AUDIT_KEY}`);
      expect(line).not.toContain("--healthcheck-command");
    }
    expect(byName("api_1")).toMatch(
      /-p 127\.0\.0\.1:8080:8080 .*serve --host 0\.0\.0\.0 --port 8080 --role api$/,
    );
    expect(byName("worker_1")).toMatch(/worker --host 0\.0\.0\.0 --port 8080$/);
    for (const name of ["postgres_1", "redis_1", "worker_1"]) expect(byName(name)).not.toContain(" -p ");
  }, 300_000);
});

describe.skipIf(missing !== undefined)("the team as a CODE spec", () => {
  it("codeploy plans it (policy passes) and renders a compose file docker-compose accepts, secrets left out", async () => {
    if (!existsSync(new URL("../dist/bundle/cli.cjs", import.meta.url)))
      throw new Error("dist/bundle is missing: run `npm run build`");
    const home = await mkdtemp(join(tmpdir(), "codeploy-team-home-"));
    dirs.push(home);
    const secrets = {
      CODEPLOY_SECRET_CODEPLOY_AUDIT_KEY: randomBytes(32).toString("hex"),
      CODEPLOY_SECRET_CODEPLOY_SECRET_SEED: randomBytes(32).toString("hex"),
      CODEPLOY_SECRET_CODEPLOY_JWT_SECRET: randomBytes(32).toString("hex"),
    };
    const env = { ...process.env, CODEPLOY_HOME: home, ...secrets };
    const spec = join(TEAM, "codeploy.yaml");
    const plan = await run(process.execPath, [BIN, "plan", spec, "--json"], { env, maxBuffer: 16 << 20 });
    const planned = JSON.parse(plan.stdout) as { approved: boolean; steps: { id: string }[] };
    expect(planned.approved).toBe(true);
    expect(planned.steps.map((st) => st.id)).toEqual(
      expect.arrayContaining(["database:db", "cache:cache", "service:api", "service:worker"]),
    );
    const out = join(home, "out");
    await run(process.execPath, [BIN, "render", spec, "--target", "docker", "--out", out], { env });
    await run("docker-compose", ["config", "-q"], { cwd: out, env });
    const config = parse((await run("docker-compose", ["config"], { cwd: out, env })).stdout) as {
      services: Record<string, Service>;
    };
    expect(Object.keys(config.services).sort()).toEqual(["api", "cache", "db", "worker"]);
    const { api, worker } = config.services;
    expect(api?.command).toEqual(["serve", "--host", "0.0.0.0", "--port", "8080", "--role", "api"]);
    expect(worker?.command).toEqual(["worker", "--host", "0.0.0.0", "--port", "8080"]);
    expect(worker?.deploy?.replicas).toBe(2);
    for (const s of [api, worker]) {
      expect(s?.environment?.DATABASE_URL).toMatch(
        /^postgres:\/\/app:[^@]+@db:5432\/codeploy(\?sslmode=disable)?$/,
      );
      expect(s?.environment?.REDIS_URL).toMatch(/^redis:\/\/:[^@]+@cache:6379$/);
      expect(s?.environment?.CODEPLOY_AUDIT_KEY).toBe(secrets.CODEPLOY_SECRET_CODEPLOY_AUDIT_KEY);
      expect(s?.environment?.CODEPLOY_SECRET_SEED).toBe(secrets.CODEPLOY_SECRET_CODEPLOY_SECRET_SEED);
    }
    // The secrets are references resolved when compose runs: never written into the files.
    const written = await readFile(join(out, "compose.yaml"), "utf8");
    for (const value of Object.values(secrets)) expect(written).not.toContain(value);
  }, 120_000);
});
