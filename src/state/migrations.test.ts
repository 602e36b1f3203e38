/**
 * Opening a store whose schema is up to date answers from one read of the
 * applied migrations (issue 26); anything else still goes through Kysely's
 * Migrator, which applies what is missing and refuses a schema it does not know.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { StateStoreError } from "./errors.js";
import { MIGRATIONS } from "./migrations.js";
import { openSqliteFile } from "./sqlite-driver.js";
import { openStateStore } from "./store.js";

const homes: string[] = [];
afterEach(async () => {
  for (const home of homes.splice(0)) await rm(home, { recursive: true, force: true });
});

async function freshHome(): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), "codeploy-migrate-"));
  homes.push(home);
  await (await openStateStore({ home })).close();
  return home;
}

async function applied(home: string): Promise<string[]> {
  const db = await openSqliteFile(join(home, "state.db"));
  try {
    const rows = db.prepare("select name from codeploy_migration order by name").all() as { name: string }[];
    return rows.map((r) => r.name);
  } finally {
    db.close();
  }
}

async function run(home: string, statement: string): Promise<void> {
  const db = await openSqliteFile(join(home, "state.db"));
  try {
    db.prepare(statement).run();
  } finally {
    db.close();
  }
}

describe("opening the state store", () => {
  it("records every migration once, and a second open changes nothing", async () => {
    const home = await freshHome();
    await (await openStateStore({ home })).close();
    expect(await applied(home)).toEqual(Object.keys(MIGRATIONS));
  });

  it("applies a migration that is missing from an older database", async () => {
    const home = await freshHome();
    // The newest migration undone by hand, as a database of the version before it has it.
    const last = Object.keys(MIGRATIONS).at(-1) ?? "";
    // One statement, or several in order.
    const undo: Record<string, string | readonly string[]> = {
      "0006_deployment_provider": "alter table deployments drop column provider",
      "0007_revision_commit": "alter table revisions drop column git_commit",
      "0009_drift_events": ["drop table drift_events", "alter table revisions drop column source_commit"],
      "0010_deployment_jobs": "drop table deployment_jobs",
      "0011_dashboard_sessions": "drop table dashboard_sessions",
      "0012_dashboard_drafts": "drop table dashboard_drafts",
      "0013_job_kind": "alter table deployment_jobs drop column kind",
    };
    expect(undo[last], `add how to undo ${last} here`).toBeDefined();
    await run(home, `delete from codeploy_migration where name = '${last}'`);
    for (const statement of [undo[last] ?? []].flat()) await run(home, statement);
    const store = await openStateStore({ home });
    await store.close();
    expect(await applied(home)).toEqual(Object.keys(MIGRATIONS));
  });

  it("refuses a database migrated by a newer codeploy", async () => {
    const home = await freshHome();
    await run(
      home,
      "insert into codeploy_migration (name, timestamp) values ('9999_from_the_future', '2999-01-01T00:00:00.000Z')",
    );
    await expect(openStateStore({ home })).rejects.toBeInstanceOf(StateStoreError);
  });
});
