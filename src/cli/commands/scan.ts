/**
 * `codeploy scan IMAGE|SPEC --db OSV`: inventories the packages of an image
 * (or of every image a spec runs) from its dpkg/apk databases, read through
 * the Docker Engine API without starting it, writes a CycloneDX SBOM on
 * request, and matches the packages against an OSV vulnerability database
 * given by path, offline. Findings print like plan's; exit 1 when one is at
 * or above --fail-on.
 */
import { randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type Docker from "dockerode";
import { NotFoundError, UsageError } from "../../core/errors.js";
import { compareFindings } from "../../policy/run.js";
import type { Finding } from "../../policy/types.js";
import {
  INVENTORY_PATHS,
  type Inventory,
  inventoryFromFiles,
  RPM_DATABASES,
} from "../../policy/vulns/inventory.js";
import { matchVulnerabilities, vulnFinding } from "../../policy/vulns/match.js";
import { parseOsvDatabase, type VulnDatabase, VulnDbError } from "../../policy/vulns/osv.js";
import { cycloneDx, type ScannedImage } from "../../policy/vulns/sbom.js";
import { isVulnSeverity, VULN_SEVERITIES, type VulnSeverity } from "../../policy/vulns/severity.js";
import { specImages } from "../../policy/vulns/spec-images.js";
import { dockerProviderOptions } from "../../providers/docker/settings.js";
import { imageProblem } from "../../spec/field-checks.js";
import { parseSpecText } from "../../spec/parse.js";
import { EXIT_OK, EXIT_REFUSED } from "../exit.js";
import { type CliIo, printJson } from "../io.js";
import { loadCliConfig } from "../settings.js";

export interface ScanFlags {
  readonly db: string;
  readonly failOn?: string;
  readonly sbom?: string;
  readonly json?: boolean;
  readonly config?: string;
  readonly toolVersion?: string;
}

/** Files of the database: one JSON file, or every *.json in a folder (sorted, so runs agree). */
export function readVulnDb(path: string): VulnDatabase {
  if (!existsSync(path)) throw new VulnDbError(`--db ${path}: no such file or folder`);
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((f) => f.endsWith(".json"))
        .sort()
        .map((f) => join(path, f))
    : [path];
  if (files.length === 0) throw new VulnDbError(`--db ${path}: the folder holds no .json file`);
  return parseOsvDatabase(files.map((f) => ({ source: f, text: readFileSync(f, "utf8") })));
}

interface Subject {
  readonly image: string;
  readonly path: string;
}

interface ImageResult {
  readonly reference: string;
  readonly path: string;
  readonly scanned: ScannedImage | undefined;
}

function failOnOf(value: string | undefined): VulnSeverity {
  const v = (value ?? "high").toLowerCase();
  if (isVulnSeverity(v)) return v;
  throw new UsageError(`--fail-on ${value}: not a severity`, {
    hint: `one of ${VULN_SEVERITIES.join(", ")}`,
  });
}

function subjectsOf(io: CliIo, target: string): { subjects: Subject[]; application?: string } {
  const file = resolve(io.cwd, target);
  if (/\.(ya?ml|json)$/i.test(target)) {
    if (!existsSync(file) || !statSync(file).isFile())
      throw new NotFoundError(`no spec file ${target}`, {
        hint: "give the path of a spec (.yaml, .yml, .json), or an image reference",
      });
    const spec = parseSpecText(readFileSync(file, "utf8"), target);
    return { subjects: specImages(spec), application: spec.name };
  }
  const problem = imageProblem(target);
  if (problem)
    throw new UsageError(`${target}: ${problem}`, {
      hint: "give an image reference ([registry/]name[:tag][@digest]) or the path of a spec file",
    });
  return { subjects: [{ image: target, path: target }] };
}

async function inventoryOf(files: ReadonlyMap<string, Buffer>): Promise<Inventory> {
  const texts = new Map<string, string>();
  for (const [path, bytes] of files) if (!path.endsWith(".sqlite")) texts.set(path, bytes.toString("utf8"));
  const rpmPath = RPM_DATABASES.find((p) => files.has(p));
  const rpmBytes = rpmPath ? files.get(rpmPath) : undefined;
  if (!rpmPath || !rpmBytes) return inventoryFromFiles(texts);
  const { rpmPackages } = await import("./scan-rpmdb.js");
  return inventoryFromFiles(texts, { path: rpmPath, packages: await rpmPackages(rpmBytes, rpmPath) });
}

async function scanImages(
  docker: Docker,
  subjects: readonly Subject[],
  single: boolean,
): Promise<{ results: ImageResult[]; findings: Finding[] }> {
  const { readImageFiles } = await import("../../providers/docker/image-files.js");
  const results: ImageResult[] = [];
  const findings: Finding[] = [];
  for (const s of subjects) {
    try {
      const { id, files } = await readImageFiles(docker, s.image, INVENTORY_PATHS);
      const inventory: Inventory = await inventoryOf(files);
      results.push({ reference: s.image, path: s.path, scanned: { reference: s.image, id, inventory } });
      if (inventory.databases.length === 0)
        findings.push({
          id: "CODE-SCAN-002",
          severity: "warning",
          path: s.path,
          message: `${s.image}: no package database (dpkg status, apk installed, rpmdb.sqlite) in the image: its packages are unknown`,
          hint: "scratch and static distroless images have none, and rpm databases older than rpm 4.16 (Berkeley DB) are not read; scan the image they were built from",
        });
    } catch (error) {
      // A spec's image that is not pulled is reported and the others are still scanned.
      if (single || !(error instanceof Error && "code" in error && error.code === "SCAN_IMAGE_MISSING"))
        throw error;
      results.push({ reference: s.image, path: s.path, scanned: undefined });
      findings.push({
        id: "CODE-SCAN-001",
        severity: "warning",
        path: s.path,
        message: `${s.image} is not in the engine's local images: not scanned`,
        hint: `pull or build it first (docker pull ${s.image}); scans never pull`,
      });
    }
  }
  return { results, findings };
}

function printText(
  io: CliIo,
  results: readonly ImageResult[],
  db: VulnDatabase,
  findings: readonly Finding[],
  failOn: VulnSeverity,
  sbom: string | undefined,
) {
  const out: string[] = [];
  for (const r of results) {
    const inv = r.scanned?.inventory;
    if (!r.scanned || !inv) {
      out.push(`${r.reference}: not scanned (not a local image)`);
      continue;
    }
    const distro = inv.distro?.prettyName ?? inv.distro?.id ?? "unknown distribution";
    out.push(
      `${r.reference} (${(r.scanned.id ?? "").slice(0, 19)}): ${distro}, ${inv.packages.length} package(s) from ${inv.databases.join(", ") || "no package database"}`,
    );
  }
  out.push(`Vulnerability database: ${db.records} record(s)`);
  if (sbom) out.push(`SBOM (CycloneDX 1.5): ${sbom}`);
  const count = (s: string) => findings.filter((f) => f.severity === s).length;
  out.push(
    "",
    `Scan: ${count("error")} error(s), ${count("warning")} warning(s), ${count("info")} note(s) (errors: ${failOn} and above)`,
  );
  for (const f of findings) {
    out.push(`  ${f.severity.toUpperCase().padEnd(7)} ${f.id} ${f.path}: ${f.message}`);
    out.push(`          hint: ${f.hint}`);
  }
  io.stdout(`${out.join("\n")}\n`);
}

export async function scanCommand(io: CliIo, target: string, flags: ScanFlags): Promise<number> {
  const failOn = failOnOf(flags.failOn);
  const db = readVulnDb(resolve(io.cwd, flags.db));
  const { subjects, application } = subjectsOf(io, target);
  const config = await loadCliConfig(io, flags.config);
  const options = dockerProviderOptions(config.providers.docker, io.env);
  const { connectDocker } = await import("../../providers/docker/connect.js");
  const { docker } = await connectDocker({
    ...(options.host ? { host: options.host } : {}),
    ...(options.xdgRuntimeDir ? { xdgRuntimeDir: options.xdgRuntimeDir } : {}),
    ...(options.connectTimeoutMs ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
  });
  const { results, findings } = await scanImages(docker, subjects, application === undefined);
  for (const r of results) {
    if (!r.scanned) continue;
    for (const m of matchVulnerabilities(r.scanned.inventory, db))
      findings.push(vulnFinding(m, { failOn, path: r.path, image: r.reference }));
  }
  findings.sort(compareFindings);
  const scanned = results.flatMap((r) => (r.scanned ? [r.scanned] : []));
  const sbomPath = flags.sbom ? resolve(io.cwd, flags.sbom) : undefined;
  if (sbomPath) {
    const bom = cycloneDx(scanned, {
      serialNumber: `urn:uuid:${randomUUID()}`,
      timestamp: new Date().toISOString(),
      toolVersion: flags.toolVersion ?? "0.0.0",
      ...(application !== undefined ? { application } : {}),
    });
    writeFileSync(sbomPath, `${JSON.stringify(bom, null, 2)}\n`);
  }
  if (flags.json)
    printJson(io, {
      images: results.map((r) => ({
        reference: r.reference,
        path: r.path,
        scanned: r.scanned !== undefined,
        id: r.scanned?.id,
        distro: r.scanned?.inventory.distro,
        databases: r.scanned?.inventory.databases ?? [],
        packages: r.scanned?.inventory.packages.length ?? 0,
      })),
      database: { records: db.records },
      failOn,
      sbom: sbomPath,
      findings,
    });
  else printText(io, results, db, findings, failOn, sbomPath);
  return findings.some((f) => f.severity === "error") ? EXIT_REFUSED : EXIT_OK;
}
