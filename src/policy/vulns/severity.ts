/**
 * A vulnerability's severity from what an OSV record carries: CVSS vectors
 * (v2, v3.0, v3.1, v4.0, scored with ae-cvss-calculator), Ubuntu's priority,
 * Debian's urgency, or a database's own label (GHSA's MODERATE...). The
 * highest one found wins; none gives `unknown`.
 */
import cvss from "ae-cvss-calculator";
import type { OsvAffected, OsvRecord } from "./osv.js";

export const VULN_SEVERITIES = ["unknown", "low", "medium", "high", "critical"] as const;
export type VulnSeverity = (typeof VULN_SEVERITIES)[number];

export const severityRank = (s: VulnSeverity) => VULN_SEVERITIES.indexOf(s);

export function isVulnSeverity(value: string): value is VulnSeverity {
  return VULN_SEVERITIES.some((s) => s === value);
}

/** CVSS's qualitative rating of a base score. */
export function ratingOf(score: number): VulnSeverity {
  if (score >= 9) return "critical";
  if (score >= 7) return "high";
  if (score >= 4) return "medium";
  return "low";
}

/** The base score of a CVSS vector; undefined when the library cannot read it. */
export function cvssScore(vector: string): number | undefined {
  try {
    const parsed: unknown = cvss.fromVector(vector);
    if (typeof parsed !== "object" || parsed === null || !("calculateScores" in parsed)) return undefined;
    const calculate = parsed.calculateScores;
    if (typeof calculate !== "function") return undefined;
    const scores: unknown = calculate.call(parsed);
    if (typeof scores !== "object" || scores === null) return undefined;
    const overall = "overall" in scores ? scores.overall : undefined;
    const base = "base" in scores ? scores.base : undefined;
    const score = typeof base === "number" ? base : overall;
    return typeof score === "number" && Number.isFinite(score) ? score : undefined;
  } catch {
    return undefined;
  }
}

/** A label as databases write it: LOW, Moderate, high*, "not yet assigned", unimportant, negligible. */
function labelSeverity(label: unknown): VulnSeverity | undefined {
  if (typeof label !== "string") return undefined;
  const word = label.toLowerCase().replace(/[^a-z]/g, "");
  if (word === "critical") return "critical";
  if (word === "high" || word === "important") return "high";
  if (word === "medium" || word === "moderate") return "medium";
  if (word === "low" || word === "unimportant" || word === "negligible") return "low";
  return undefined;
}

export interface Rated {
  readonly severity: VulnSeverity;
  /** The highest CVSS base score seen. */
  readonly score: number | undefined;
}

export function rate(record: OsvRecord, affected: OsvAffected): Rated {
  const found: VulnSeverity[] = [];
  let score: number | undefined;
  for (const s of [...(affected.severity ?? []), ...(record.severity ?? [])]) {
    if (s.type.startsWith("CVSS")) {
      const value = cvssScore(s.score);
      if (value === undefined) continue;
      score = Math.max(score ?? 0, value);
      found.push(ratingOf(value));
    } else {
      const label = labelSeverity(s.score);
      if (label) found.push(label);
    }
  }
  for (const label of [
    record.database_specific?.severity,
    affected.database_specific?.severity,
    affected.ecosystem_specific?.severity,
    affected.ecosystem_specific?.urgency,
  ]) {
    const s = labelSeverity(label);
    if (s) found.push(s);
  }
  const severity = found.reduce<VulnSeverity>(
    (m, s) => (severityRank(s) > severityRank(m) ? s : m),
    "unknown",
  );
  return { severity, score };
}
