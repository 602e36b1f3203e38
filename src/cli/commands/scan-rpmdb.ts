/**
 * The package headers of an rpm sqlite database copied out of an image: the
 * bytes go to a private temporary file that the project's SQLite driver
 * opens read-only (SQLite needs a file), then the file is removed.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CodeError } from "../../core/errors.js";
import type { InstalledPackage } from "../../policy/vulns/inventory.js";
import { parseRpmHeader } from "../../policy/vulns/rpm.js";
import { openSqliteFile } from "../../state/sqlite-driver.js";

export async function rpmPackages(bytes: Buffer, path: string): Promise<InstalledPackage[]> {
  const dir = mkdtempSync(join(tmpdir(), "codeploy-rpmdb-"));
  try {
    const file = join(dir, "rpmdb.sqlite");
    writeFileSync(file, bytes, { mode: 0o600 });
    const db = await openSqliteFile(file, { readOnly: true });
    try {
      const rows: unknown[] = db.prepare("SELECT blob FROM Packages").all();
      return rows.flatMap((row) => {
        const blob = typeof row === "object" && row !== null && "blob" in row ? row.blob : undefined;
        const pkg = blob instanceof Uint8Array ? parseRpmHeader(blob, path) : undefined;
        return pkg ? [pkg] : [];
      });
    } finally {
      db.close();
    }
  } catch (error) {
    if (error instanceof CodeError) throw error;
    throw new CodeError("SCAN_UNREADABLE", `${path} in the image is not an rpm sqlite database`, {
      hint: "rpm databases in Berkeley DB or ndb format (rpm < 4.16) are not read",
      cause: error,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
