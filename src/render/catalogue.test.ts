// biome-ignore-all lint/suspicious/noTemplateCurlyInString: compose values hold literal ${...} references to .env
/**
 * Catalogue apps (spec/catalogue.ts) get their dependencies under the names
 * their images read, on every target, read back from the written artifacts:
 * each such variable holds exactly what the connection contract's variable
 * of the same part holds there (the same credential reference, never a
 * literal password), constants follow the database's engine, and the app's
 * public URL comes from its domain.
 */
import { describe, expect, it } from "vitest";
import { CATALOGUE, type CatalogueApp, type CatalogueEngine } from "../spec/catalogue.js";
import type { DeploymentSpec } from "../spec/schema.js";
import { validateSpec } from "../spec/validate.js";
import { type WiringTarget, wiringOf } from "./__fixtures__/env-wiring.js";
import { CONTRACT } from "./connections.js";
import { render } from "./index.js";

const SEED = { secretSeed: "catalogue-test-seed-0123456789" };
const TARGETS: readonly WiringTarget[] = ["docker", "kubernetes", "aws", "gcp", "azure"];
const DOMAIN = "app.example.com";

function specFor(
  app: CatalogueApp,
  engine: CatalogueEngine | undefined,
  target: WiringTarget,
): DeploymentSpec {
  const cloud = target === "docker" || target === "kubernetes" ? "local" : target;
  const deps = [...(engine ? ["db"] : []), ...(app.cache ? ["cache"] : [])];
  return validateSpec({
    name: "cat",
    environment: "staging",
    target: cloud === "local" ? target : "terraform",
    cloud,
    services: [
      {
        name: app.key,
        image: `${app.image}:1`,
        port: app.port,
        public: true,
        domain: DOMAIN,
        dependsOn: deps,
      },
    ],
    databases: engine ? [{ name: "db", engine }] : [],
    caches: app.cache ? [{ name: "cache", engine: "redis" }] : [],
  });
}

/** The contract's variable for a part of a family (`password` -> DATABASE_PASSWORD). */
function contractName(family: "database" | "redis", part: string): string {
  const entry = CONTRACT[family].find((e) => e.part === part);
  if (!entry) throw new Error(`no ${family} ${part} in the contract`);
  return entry.name;
}

const CASES = CATALOGUE.flatMap((app) =>
  (app.database?.engines.length ? app.database.engines : [undefined]).flatMap((engine) =>
    TARGETS.map((target) => [app.key, engine ?? "-", target, app, engine] as const),
  ),
);

describe("catalogue apps read their own variable names on every target", () => {
  it.each(CASES)("%s with %s on %s", async (_key, _e, target, app, engine) => {
    const service = app.key;
    const env = await wiringOf(target, render(specFor(app, engine, target), SEED), service);
    // The contract itself is there (a wrong reader would make every comparison below vacuous).
    if (engine) expect(env.DATABASE_URL, "DATABASE_URL").toBeDefined();
    if (app.cache) expect(env.REDIS_URL, "REDIS_URL").toBeDefined();
    const expected: string[] = [];
    const check = (family: "database" | "redis", dep: CatalogueApp["database"]) => {
      for (const v of dep?.vars ?? []) {
        if (v.engines && (engine === undefined || !v.engines.includes(engine))) {
          expect(env[v.name], `${v.name} is for ${v.engines.join("/")} only`).toBeUndefined();
          continue;
        }
        if ("part" in v.from) {
          const same = contractName(family, v.from.part);
          // A part the target does not offer (none here for SQL engines) is absent under both names.
          expect(env[v.name], `${v.name} = ${same}`).toBe(env[same]);
          if (env[same] !== undefined) expected.push(v.name);
          if (v.from.part === "password" || v.from.part === "url")
            expect(env[v.name], `${v.name} is a reference`).toMatch(/^secret:|^\$\{CODEPLOY_|^[a-z]+:\/\//);
          if (v.from.part === "password") expect(env[v.name]).toMatch(/^secret:|^\$\{CODEPLOY_/);
        } else if ("value" in v.from) {
          expect(env[v.name]).toBe(v.from.value);
          expected.push(v.name);
        } else if ("tls" in v.from) {
          const local = target === "docker" || target === "kubernetes";
          expect(env[v.name], v.name).toBe(local ? v.from.tls.off : v.from.tls.on);
          expected.push(v.name);
        } else if ("byEngine" in v.from) {
          const want = engine === undefined ? undefined : v.from.byEngine[engine];
          expect(env[v.name]).toBe(want);
          if (want !== undefined) expected.push(v.name);
        }
      }
    };
    if (engine) check("database", app.database);
    check("redis", app.cache);
    for (const v of app.self ?? []) {
      const want = "service" in v.from && v.from.service === "domain" ? DOMAIN : `https://${DOMAIN}`;
      expect(env[v.name], v.name).toBe(want);
      expected.push(v.name);
    }
    for (const name of expected) expect(Object.keys(env), name).toContain(name);
  });

  it("hands WordPress its MySQL credentials under WORDPRESS_DB_* on docker and kubernetes", async () => {
    const wordpress = CATALOGUE.find((a) => a.key === "wordpress");
    if (!wordpress) throw new Error("wordpress is missing from the catalogue");
    const docker = await wiringOf("docker", render(specFor(wordpress, "mysql", "docker"), SEED), "wordpress");
    expect(docker).toMatchObject({
      WORDPRESS_DB_HOST: "db",
      WORDPRESS_DB_USER: "app",
      WORDPRESS_DB_NAME: "cat",
      WORDPRESS_DB_PASSWORD: "${CODEPLOY_DB_PASSWORD}",
    });
    const kube = await wiringOf(
      "kubernetes",
      render(specFor(wordpress, "mysql", "kubernetes"), SEED),
      "wordpress",
    );
    expect(kube.WORDPRESS_DB_PASSWORD).toBe(
      `secret:${JSON.stringify({ secretKeyRef: { name: "db-credentials", key: "MYSQL_PASSWORD" } })}`,
    );
  });

  it("sets Nextcloud's MYSQL_* or POSTGRES_* by the database's engine, and its redis variables", async () => {
    const nextcloud = CATALOGUE.find((a) => a.key === "nextcloud");
    if (!nextcloud) throw new Error("nextcloud is missing from the catalogue");
    const pg = await wiringOf("docker", render(specFor(nextcloud, "postgres", "docker"), SEED), "nextcloud");
    expect(pg.POSTGRES_HOST).toBe("db");
    expect(pg.MYSQL_HOST).toBeUndefined();
    expect(pg).toMatchObject({ REDIS_HOST: "cache", REDIS_HOST_PORT: "6379" });
    const my = await wiringOf("docker", render(specFor(nextcloud, "mariadb", "docker"), SEED), "nextcloud");
    expect(my.MYSQL_HOST).toBe("db");
    expect(my.POSTGRES_HOST).toBeUndefined();
  });

  it("leaves a variable the spec sets itself as the spec says", async () => {
    const wordpress = CATALOGUE.find((a) => a.key === "wordpress");
    if (!wordpress) throw new Error("wordpress is missing from the catalogue");
    const spec = specFor(wordpress, "mysql", "docker");
    const own = validateSpec({
      ...spec,
      services: spec.services.map((s) => ({ ...s, env: { WORDPRESS_DB_NAME: "blog" } })),
    });
    const env = await wiringOf("docker", render(own, SEED), "wordpress");
    expect(env.WORDPRESS_DB_NAME).toBe("blog");
    expect(env.DATABASE_NAME).toBe("cat");
  });

  it("gives an image outside the catalogue only the contract's names", async () => {
    const wordpress = CATALOGUE.find((a) => a.key === "wordpress");
    if (!wordpress) throw new Error("wordpress is missing from the catalogue");
    const spec = specFor({ ...wordpress, image: "ghcr.io/acme/blog" }, "mysql", "kubernetes");
    const env = await wiringOf("kubernetes", render(spec, SEED), "wordpress");
    expect(Object.keys(env).sort()).toEqual(CONTRACT.database.map((e) => e.name).sort());
  });
});
