/**
 * State in Terraform's built-in pg backend on a real, throwaway Postgres (the
 * same server CODE's own store uses when DATABASE_URL is set), one schema per
 * app + environment. Skips when Postgres or terraform is absent, unless CI.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PostgresServer, startPostgres } from "../../../test/helpers/postgres.js";
import { deploy, destroyEnvironment } from "../../engine/deploy.js";
import { hashArtifacts, render } from "../../render/index.js";
import { pgSchemaName, terraformWorkspaceName } from "../../spec/naming.js";
import { validateSpec } from "../../spec/validate.js";
import { openStateStore } from "../../state/index.js";
import { createTerraformProvider } from "./provider.js";
import { stateList, tempHome, terraformBinary } from "./test-support.js";

let server: PostgresServer | undefined;
beforeAll(async () => {
  if (terraformBinary) server = await startPostgres();
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

const SCHEMA = pgSchemaName({ app: "shop", environment: "staging" });
const WORKSPACE = terraformWorkspaceName({ app: "shop", environment: "staging" });

const spec = validateSpec({
  name: "shop",
  environment: "staging",
  cloud: "local",
  target: "terraform",
  services: [{ name: "web", image: "acme/web:1" }],
  databases: [{ name: "orders", engine: "postgres" }],
});

async function query(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe.skipIf(!terraformBinary)("terraform state in the pg backend", () => {
  it("keeps the state of shop/staging in its own schema and workspace (spec/naming.ts)", async (ctx) => {
    if (!server) return ctx.skip();
    const url = await server.createDatabase();
    const env = { ...process.env, DATABASE_URL: url };
    const home = tempHome();
    const store = await openStateStore({ url });
    try {
      const provider = createTerraformProvider({ home, env });
      const deps = {
        store,
        providerFor: () => provider,
        render: (s: typeof spec) => render(s),
        hashArtifacts,
      };
      const out = await deploy({ spec, actor: "ana" }, deps, { retry: { maxAttempts: 1 } });
      expect(out.deployment.outcome).toBe("succeeded");
      const events = await store.listEvents(out.deployment.id);
      expect(events.some((e) => e.message?.includes(`state pg (schema ${SCHEMA})`))).toBe(true);
      const rows = await query(url, `SELECT name, data FROM ${SCHEMA}.states`);
      expect(rows.map((r) => r.name)).toEqual([WORKSPACE]);
      expect(String(rows[0]?.data)).toContain("terraform_data");
      expect(await stateList(home, "shop", "staging", env)).toEqual([
        "terraform_data.orders",
        "terraform_data.web",
      ]);

      const destroyed = await destroyEnvironment({ app: "shop", environment: "staging", actor: "ana" }, deps);
      expect(destroyed.deployment.outcome).toBe("succeeded");
      expect(await stateList(home, "shop", "staging", env)).toEqual([]);
    } finally {
      await store.close();
    }
  }, 120_000);
});
