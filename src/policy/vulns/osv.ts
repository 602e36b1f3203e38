/**
 * The vulnerability database: OSV records (https://ossf.github.io/osv-schema/),
 * the format osv.dev publishes per ecosystem (Debian, Ubuntu, Alpine...) and
 * that osv-scanner reads. A file holds one record or an array of them; a
 * folder holds one record per file (osv.dev's `all.zip`, unzipped).
 */
import { z } from "zod";
import { CodeError } from "../../core/errors.js";

const severitySchema = z.looseObject({ type: z.string(), score: z.string() });
const eventSchema = z.looseObject({
  introduced: z.string().optional(),
  fixed: z.string().optional(),
  last_affected: z.string().optional(),
  limit: z.string().optional(),
});
const affectedSchema = z.looseObject({
  package: z.looseObject({ ecosystem: z.string().min(1), name: z.string().min(1) }).optional(),
  ranges: z.array(z.looseObject({ type: z.string(), events: z.array(eventSchema).min(1) })).optional(),
  versions: z.array(z.string()).optional(),
  severity: z.array(severitySchema).optional(),
  ecosystem_specific: z.record(z.string(), z.unknown()).optional(),
  database_specific: z.record(z.string(), z.unknown()).optional(),
});
const recordSchema = z.looseObject({
  id: z.string().min(1),
  modified: z.string(),
  summary: z.string().optional(),
  details: z.string().optional(),
  aliases: z.array(z.string()).optional(),
  withdrawn: z.string().optional(),
  severity: z.array(severitySchema).optional(),
  affected: z.array(affectedSchema).optional(),
  database_specific: z.record(z.string(), z.unknown()).optional(),
});

export type OsvRecord = z.output<typeof recordSchema>;
export type OsvAffected = z.output<typeof affectedSchema>;
export type OsvEvent = z.output<typeof eventSchema>;

/** A database file that is not JSON or not OSV records; the message names the file and the field. */
export class VulnDbError extends CodeError {
  constructor(message: string) {
    super("VULN_DB_INVALID", message, {
      hint: "--db takes OSV JSON: a file with one record or an array of records, or a folder of such files (osv.dev's per-ecosystem all.zip, unzipped)",
    });
  }
}

export interface VulnDatabase {
  /** Records by `ecosystem-base/package-name` (`debian/openssl`), lowercased. */
  readonly byPackage: ReadonlyMap<string, readonly OsvRecord[]>;
  readonly records: number;
}

export const packageKey = (ecosystem: string, name: string) =>
  `${(ecosystem.split(":")[0] ?? "").toLowerCase()}/${name.toLowerCase()}`;

function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
}

/** Parses the files' texts (`source` names each in messages); withdrawn records are left out. */
export function parseOsvDatabase(files: readonly { readonly source: string; readonly text: string }[]) {
  const byPackage = new Map<string, OsvRecord[]>();
  let records = 0;
  for (const { source, text } of files) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new VulnDbError(
        `${source}: not JSON (${error instanceof Error ? error.message : String(error)})`,
      );
    }
    const list = Array.isArray(json) ? json : [json];
    list.forEach((item, i) => {
      const parsed = recordSchema.safeParse(item);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const at = `${Array.isArray(json) ? `[${i}]` : ""}${fieldPath(issue?.path ?? [])}`;
        throw new VulnDbError(`${source}: ${at || "record"}: ${issue?.message ?? "not an OSV record"}`);
      }
      const record = parsed.data;
      if (record.withdrawn !== undefined) return;
      records++;
      const keys = new Set(
        (record.affected ?? []).flatMap((a) =>
          a.package ? [packageKey(a.package.ecosystem, a.package.name)] : [],
        ),
      );
      for (const key of keys) byPackage.set(key, [...(byPackage.get(key) ?? []), record]);
    });
  }
  return { byPackage, records } satisfies VulnDatabase;
}

/**
 * Whether `version` falls in an OSV range: events sorted by version, each
 * `introduced` at or below it opens the range, each `fixed` at or below it
 * (or `last_affected` below it) closes it again.
 */
export function inRange(
  version: string,
  events: readonly OsvEvent[],
  compare: (a: string, b: string) => number,
): boolean {
  const at = (e: OsvEvent) => e.introduced ?? e.fixed ?? e.last_affected ?? e.limit ?? "0";
  const sorted = [...events].sort((a, b) => (at(a) === "0" ? -1 : at(b) === "0" ? 1 : compare(at(a), at(b))));
  let affected = false;
  for (const e of sorted) {
    if (e.introduced !== undefined && (e.introduced === "0" || compare(version, e.introduced) >= 0))
      affected = true;
    else if (e.fixed !== undefined && compare(version, e.fixed) >= 0) affected = false;
    else if (e.last_affected !== undefined && compare(version, e.last_affected) > 0) affected = false;
    else if (e.limit !== undefined && compare(version, e.limit) >= 0) affected = false;
  }
  return affected;
}
