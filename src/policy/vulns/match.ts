/**
 * Installed packages against the OSV database: a package is affected by a
 * record that names its ecosystem (and release, when the record gives one)
 * and its source package, with its version in an affected range or list.
 * One match per binary package and record; findings in the policy's shape.
 */
import type { Finding, Severity } from "../types.js";
import { compareVersions, ecosystemOf, type InstalledPackage, type Inventory } from "./inventory.js";
import { inRange, type OsvAffected, type OsvRecord, packageKey, type VulnDatabase } from "./osv.js";
import { rate, severityRank, type VulnSeverity } from "./severity.js";

export interface VulnMatch {
  readonly record: OsvRecord;
  readonly pkg: InstalledPackage;
  /** `Debian:12`, `Alpine:v3.19`. */
  readonly ecosystem: string;
  readonly severity: VulnSeverity;
  readonly score: number | undefined;
  /** The lowest fixed version above the installed one, when the record names one. */
  readonly fixed: string | undefined;
}

function sameEcosystem(recordEcosystem: string, ours: string): boolean {
  const [base, release] = recordEcosystem.split(":");
  const [ourBase, ourRelease] = ours.split(":");
  if (base?.toLowerCase() !== ourBase?.toLowerCase()) return false;
  // "Ubuntu:22.04:LTS" names the release 22.04; a record without a release applies to every one.
  return release === undefined || ourRelease === undefined || release === ourRelease;
}

function affects(a: OsvAffected, pkg: InstalledPackage): { hit: boolean; fixed: string | undefined } {
  const compare = (x: string, y: string) => compareVersions(pkg.type, x, y);
  const version = pkg.sourceVersion;
  let hit = (a.versions ?? []).some((v) => compare(v, version) === 0);
  const fixes: string[] = [];
  for (const range of a.ranges ?? []) {
    if (range.type !== "ECOSYSTEM") continue;
    if (inRange(version, range.events, compare)) hit = true;
    for (const e of range.events)
      if (e.fixed !== undefined && compare(e.fixed, version) > 0) fixes.push(e.fixed);
  }
  const fixed = fixes.sort(compare)[0];
  return { hit, fixed };
}

export function matchVulnerabilities(inventory: Inventory, db: VulnDatabase): VulnMatch[] {
  const out: VulnMatch[] = [];
  for (const pkg of inventory.packages) {
    const ecosystem = ecosystemOf(pkg, inventory.distro);
    const names = new Set([pkg.source, pkg.name]);
    const seen = new Set<string>();
    for (const name of names) {
      for (const record of db.byPackage.get(packageKey(ecosystem, name)) ?? []) {
        if (seen.has(record.id)) continue;
        for (const a of record.affected ?? []) {
          if (!a.package || a.package.name !== name || !sameEcosystem(a.package.ecosystem, ecosystem))
            continue;
          const { hit, fixed } = affects(a, pkg);
          if (!hit) continue;
          seen.add(record.id);
          out.push({ record, pkg, ecosystem, ...rate(record, a), fixed });
          break;
        }
      }
    }
  }
  return out;
}

/** Where a finding points: the spec path of the image (`services[0].image`) or the image reference. */
export interface VulnFindingOptions {
  /** The lowest vulnerability severity that is an error. */
  readonly failOn: VulnSeverity;
  readonly path: string;
  readonly image: string;
}

function findingSeverity(s: VulnSeverity, failOn: VulnSeverity): Severity {
  if (severityRank(s) >= severityRank(failOn)) return "error";
  return severityRank(s) >= severityRank("medium") ? "warning" : "info";
}

export function vulnFinding(m: VulnMatch, options: VulnFindingOptions): Finding {
  const aliases = (m.record.aliases ?? []).filter((a) => a !== m.record.id);
  const rating = `${m.severity}${m.score === undefined ? "" : ` ${m.score.toFixed(1)}`}`;
  const summary = m.record.summary ?? m.record.details?.split("\n")[0]?.slice(0, 160) ?? "";
  const source = m.pkg.source === m.pkg.name ? "" : ` (source ${m.pkg.source})`;
  return {
    id: m.record.id,
    severity: findingSeverity(m.severity, options.failOn),
    path: options.path,
    message: `${options.image}: ${m.pkg.type} package ${m.pkg.name} ${m.pkg.version}${source} [${m.ecosystem}] is affected (${rating})${aliases.length > 0 ? `, aka ${aliases.join(", ")}` : ""}${summary ? `: ${summary}` : ""}`,
    hint: m.fixed
      ? `upgrade ${m.pkg.source} to ${m.fixed} or later: rebuild the image on an updated base (apt-get upgrade / apk upgrade)`
      : "no fixed version is known yet: check whether the vulnerable code is reachable, or replace the package",
  };
}
