/**
 * Two catalogue apps deployed for real on a podman service: WordPress with
 * MySQL and Gitea with Postgres, from a spec that names only their images
 * (the port and health path come from the catalogue, as the interpreter
 * fills them in). No registry is reachable, so each image is a busybox
 * stand-in tagged with the official name: it listens on the app's port,
 * answers on the app's health path, and serves the environment it was
 * started with at /env, which the test reads through the published port and
 * holds to the variable names each official image reads.
 */
import { mkdtempSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { deploy } from "../src/engine/deploy.js";
import { createDockerProvider } from "../src/providers/docker/index.js";
import { envFileOf } from "../src/providers/docker/interpolate.js";
import { hashArtifacts, render } from "../src/render/index.js";
import { type CatalogueApp, catalogueApp } from "../src/spec/catalogue.js";
import type { DeploymentSpec } from "../src/spec/schema.js";
import { validateSpec } from "../src/spec/validate.js";
import { openStateStore } from "../src/state/index.js";
import type { StateStore } from "../src/state/types.js";
import { startPodman } from "./helpers/podman.js";

function app(key: string): CatalogueApp {
  const found = catalogueApp(key);
  if (!found) throw new Error(`${key} must be in the catalogue`);
  return found;
}
const WORDPRESS = app("wordpress");
const GITEA = app("gitea");

const serveEnv = (port: number, path: string) => `CMD ["serve-env", "${port}", "${path}"]`;
const pm = await startPodman({
  standIns: [
    { tag: "docker.io/library/wordpress:6.6", cmd: serveEnv(WORDPRESS.port, WORDPRESS.healthPath) },
    { tag: "docker.io/gitea/gitea:1.22", cmd: serveEnv(GITEA.port, GITEA.healthPath) },
    { tag: "docker.io/library/mysql:8.4", cmd: `CMD ["httpd", "-f", "-p", "3306", "-h", "/www"]` },
  ],
});
const SEED = "catalogue-podman-seed";
let store: StateStore | undefined;
const home = mkdtempSync(join(tmpdir(), "cdp-catalogue-state-"));
afterAll(async () => {
  await store?.close();
  await rm(home, { recursive: true, force: true });
  await pm?.stop();
}, 120_000);

function sitesSpec(): DeploymentSpec {
  const web = (name: string, image: string, port: number, health: string, db: string) => ({
    name,
    image,
    port,
    healthCheck: { path: health },
    public: true,
    dependsOn: [db],
  });
  return validateSpec({
    name: "sites",
    environment: "dev",
    target: "docker",
    services: [
      web("wordpress", "wordpress:6.6", WORDPRESS.port, WORDPRESS.healthPath, "mysql"),
      web("gitea", "gitea/gitea:1.22", GITEA.port, GITEA.healthPath, "pg"),
    ],
    databases: [
      { name: "mysql", engine: "mysql", version: "8.4" },
      { name: "pg", engine: "postgres", version: "16" },
    ],
  });
}

/** NAME=value lines of a stand-in's /env, as a map. */
async function envOf(endpoint: string): Promise<Map<string, string>> {
  const text = await (await fetch(`${endpoint}/env`)).text();
  return new Map(
    text
      .split("\n")
      .filter((l) => l.includes("="))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)] as [string, string]),
  );
}

describe.skipIf(!pm)("catalogue apps on a real podman service", () => {
  it("WordPress and Gitea start with their database under the names their images read", async () => {
    store = await openStateStore({ home });
    const provider = createDockerProvider({
      host: pm?.host ?? "unix:///nonexistent",
      healthTimeoutMs: 20_000,
      stopTimeoutSeconds: 1,
      pullTimeoutMs: 10_000,
    });
    const spec = sitesSpec();
    const deps = {
      store,
      providerFor: () => provider,
      render: (s: DeploymentSpec) => render(s, { secretSeed: SEED }),
      hashArtifacts,
    };
    const out = await deploy({ spec, actor: "test" }, deps, {});
    expect(out.deployment.outcome).toBe("succeeded");
    const secrets = envFileOf(render(spec, { secretSeed: SEED }).files);
    const endpoint = (service: string) => {
      const url = out.result.steps.get(`service:${service}`)?.outputs?.[`endpoint.${service}.0`];
      expect(url, `${service}'s endpoint`).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      return String(url);
    };

    // The health path answers through the published port (the provider's own health wait passed too).
    expect((await fetch(`${endpoint("wordpress")}${WORDPRESS.healthPath}`)).status).toBe(200);
    const wp = await envOf(endpoint("wordpress"));
    expect(wp.get("WORDPRESS_DB_HOST")).toBe("mysql");
    expect(wp.get("WORDPRESS_DB_USER")).toBe("app");
    expect(wp.get("WORDPRESS_DB_NAME")).toBe("sites");
    const mysqlPassword = secrets.get("CODEPLOY_MYSQL_PASSWORD");
    expect(mysqlPassword).toMatch(/.{16,}/);
    expect(wp.get("WORDPRESS_DB_PASSWORD")).toBe(mysqlPassword);
    expect(wp.get("DATABASE_URL")).toBe(`mysql://app:${mysqlPassword}@mysql:3306/sites`);

    expect((await fetch(`${endpoint("gitea")}${GITEA.healthPath}`)).status).toBe(200);
    const gitea = await envOf(endpoint("gitea"));
    expect(gitea.get("GITEA__database__DB_TYPE")).toBe("postgres");
    expect(gitea.get("GITEA__database__HOST")).toBe("pg");
    expect(gitea.get("GITEA__database__NAME")).toBe("sites");
    expect(gitea.get("GITEA__database__USER")).toBe("app");
    expect(gitea.get("GITEA__database__PASSWD")).toBe(secrets.get("CODEPLOY_PG_PASSWORD"));
    // Each app gets only its own database's credentials.
    expect([...gitea.values()].join("\n")).not.toContain(String(mysqlPassword));
  }, 180_000);
});
