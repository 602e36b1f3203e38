/**
 * `codeploy audit` on the local store: the key file is created on first use
 * (mode 600), `audit head` prints the head, and `audit verify` reports as
 * tampered what only the database was changed for: records removed from the
 * end, an emptied log, a replaced database file, a head stored elsewhere that
 * the chain no longer reaches.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { openSqliteFile } from "../state/sqlite-driver.js";
import { main } from "./main.js";
import { captureIo } from "./test-io.js";

let work: string;
let home: string;
const run = async (argv: string[]) => {
  const io = captureIo({ cwd: work, env: { CODEPLOY_HOME: home, CODEPLOY_ACTOR: "tester" } });
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
};
const sql = async (text: string) => {
  const db = await openSqliteFile(join(home, "state.db"));
  try {
    db.prepare(text).run();
  } finally {
    db.close();
  }
};

beforeEach(async () => {
  work = mkdtempSync(join(tmpdir(), "codeploy-cli-audit-"));
  home = join(work, "home");
  writeFileSync(
    join(work, "app.yaml"),
    stringify({
      name: "blog",
      environment: "staging",
      services: [{ name: "web", image: "ghost:5.80", port: 2368 }],
    }),
  );
  // Three applies: 6 records (each run's start and end).
  for (const image of ["ghost:5.80", "ghost:5.81", "ghost:5.82"]) {
    writeFileSync(
      join(work, "app.yaml"),
      stringify({ name: "blog", environment: "staging", services: [{ name: "web", image, port: 2368 }] }),
    );
    expect((await run(["apply", "app.yaml", "--yes", "--provider", "null"])).code).toBe(0);
  }
});

describe("codeploy audit", () => {
  it("keeps its key outside the database, owner-only, and verifies the keyed chain", async () => {
    expect(statSync(join(home, "audit.key")).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, "audit.head")).mode & 0o777).toBe(0o600);
    const ok = await run(["audit", "verify"]);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/audit log intact: 6 record\(s\), keyed chain verified, anchor matched/);
  });

  it("reports records removed from the end as tampered", async () => {
    await sql("delete from audit_log where seq >= 4");
    const r = await run(["audit", "verify"]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/audit log TAMPERED: record 4 of 3: records 4\.\.6 are missing/);
  });

  it("reports an emptied log and a replaced database file as tampered", async () => {
    await sql("delete from audit_log");
    const emptied = await run(["audit", "verify"]);
    expect(emptied.code).toBe(1);
    expect(emptied.err).toContain("the log is empty");
    rmSync(join(home, "state.db"));
    rmSync(join(home, "state.db-wal"), { force: true });
    rmSync(join(home, "state.db-shm"), { force: true });
    // A fresh database with a record of its own: it does not reach record 6 of the anchor.
    expect((await run(["apply", "app.yaml", "--yes", "--provider", "null"])).code).toBe(0);
    const replaced = await run(["audit", "verify"]);
    expect(replaced.code).toBe(1);
    expect(replaced.err).toMatch(/TAMPERED/);
  });

  it("prints the head and checks against a stored one", async () => {
    const head = (await run(["audit", "head"])).out.trim();
    expect(head).toMatch(/^6:[0-9a-f]{64}$/);
    expect((await run(["audit", "head", "--json"])).out).toContain('"seq": 6');
    expect((await run(["audit", "verify", "--head", head])).code).toBe(0);
    // The anchor file is gone too (someone cleaned up both): the stored head still catches the cut.
    rmSync(join(home, "audit.head"));
    await sql("delete from audit_log where seq >= 5");
    const cut = await run(["audit", "verify", "--head", head]);
    expect(cut.code).toBe(1);
    expect(cut.err).toMatch(/records 5\.\.6 are missing: the given head holds record 6/);
    const usage = await run(["audit", "verify", "--head", "nonsense"]);
    expect(usage.code).toBe(2);
    expect(usage.err).toContain("not an audit head");
  });
});
