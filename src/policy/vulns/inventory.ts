/**
 * What is installed in an image, read from its package databases: dpkg's
 * status file (Debian, Ubuntu; `status.d/` in distroless images) and apk's
 * installed file (Alpine), with the distribution from os-release. Pure: the
 * caller reads the files (INVENTORY_PATHS) out of the image.
 */
import { compareApk, compareDebian } from "./versions.js";

/** The files an inventory reads, absolute paths inside the image. */
export const INVENTORY_PATHS = [
  "/etc/os-release",
  "/usr/lib/os-release",
  "/var/lib/dpkg/status",
  "/var/lib/dpkg/status.d",
  "/lib/apk/db/installed",
] as const;

export type PackageType = "deb" | "apk";

export interface InstalledPackage {
  readonly type: PackageType;
  readonly name: string;
  readonly version: string;
  readonly arch: string | undefined;
  /** The source package the vulnerability databases name (Debian `Source:`, apk origin `o:`). */
  readonly source: string;
  readonly sourceVersion: string;
  readonly licenses: readonly string[];
  /** The package database it was read from. */
  readonly foundIn: string;
}

export interface Distro {
  /** os-release ID: debian, ubuntu, alpine... */
  readonly id: string;
  readonly versionId: string | undefined;
  readonly prettyName: string | undefined;
}

export interface Inventory {
  readonly distro: Distro | undefined;
  readonly packages: readonly InstalledPackage[];
  /** The package databases found (paths in the image); empty: nothing CODE can read. */
  readonly databases: readonly string[];
}

/** `KEY=value` lines, values optionally quoted. */
export function parseOsRelease(text: string): Distro | undefined {
  const values = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m?.[1]) values.set(m[1], (m[2] ?? "").replace(/^(["'])(.*)\1$/, "$2"));
  }
  const id = values.get("ID");
  return id ? { id, versionId: values.get("VERSION_ID"), prettyName: values.get("PRETTY_NAME") } : undefined;
}

/** Deb822 paragraphs: `Field: value`, continuation lines start with a space. */
function paragraphs(text: string): Map<string, string>[] {
  const out: Map<string, string>[] = [];
  let current = new Map<string, string>();
  let last: string | undefined;
  for (const line of text.split("\n")) {
    if (line.trim() === "") {
      if (current.size > 0) out.push(current);
      current = new Map();
      last = undefined;
    } else if (/^[ \t]/.test(line) && last) {
      current.set(last, `${current.get(last) ?? ""}\n${line.trim()}`);
    } else {
      const colon = line.indexOf(":");
      if (colon <= 0) continue;
      last = line.slice(0, colon);
      current.set(last, line.slice(colon + 1).trim());
    }
  }
  if (current.size > 0) out.push(current);
  return out;
}

/** dpkg's status file (or one of distroless' status.d files, which have no Status field). */
export function parseDpkgStatus(text: string, foundIn: string): InstalledPackage[] {
  const out: InstalledPackage[] = [];
  for (const p of paragraphs(text)) {
    const name = p.get("Package");
    const version = p.get("Version");
    const status = p.get("Status");
    if (!name || !version) continue;
    // "install ok installed"; removed packages keep a paragraph in "deinstall ok config-files".
    if (status !== undefined && !/\binstalled$/.test(status)) continue;
    // Source: name, or "name (version)" when the binary's version differs (binNMU).
    const source = /^(\S+)(?:\s+\((\S+)\))?/.exec(p.get("Source") ?? "");
    out.push({
      type: "deb",
      name,
      version,
      arch: p.get("Architecture"),
      source: source?.[1] ?? name,
      sourceVersion: source?.[2] ?? version,
      licenses: [],
      foundIn,
    });
  }
  return out;
}

/** apk's installed database: `P:` name, `V:` version, `A:` arch, `o:` origin, `L:` license. */
export function parseApkInstalled(text: string, foundIn: string): InstalledPackage[] {
  const out: InstalledPackage[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    for (const line of block.split("\n")) {
      const m = /^([A-Za-z]):(.*)$/.exec(line);
      if (m?.[1] && !fields.has(m[1])) fields.set(m[1], m[2] ?? "");
    }
    const name = fields.get("P");
    const version = fields.get("V");
    if (!name || !version) continue;
    const license = fields.get("L");
    out.push({
      type: "apk",
      name,
      version,
      arch: fields.get("A"),
      source: fields.get("o") || name,
      sourceVersion: version,
      licenses: license ? [license] : [],
      foundIn,
    });
  }
  return out;
}

/** Files read from an image (absolute path -> content); a missing file is absent. */
export function inventoryFromFiles(files: ReadonlyMap<string, string>): Inventory {
  const osRelease = files.get("/etc/os-release") ?? files.get("/usr/lib/os-release");
  const packages: InstalledPackage[] = [];
  const databases: string[] = [];
  for (const [path, text] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    let found: InstalledPackage[] | undefined;
    if (path === "/var/lib/dpkg/status" || path.startsWith("/var/lib/dpkg/status.d/"))
      found = parseDpkgStatus(text, path);
    else if (path === "/lib/apk/db/installed") found = parseApkInstalled(text, path);
    if (!found) continue;
    databases.push(path);
    packages.push(...found);
  }
  packages.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { distro: osRelease ? parseOsRelease(osRelease) : undefined, packages, databases };
}

/**
 * The OSV ecosystem of a package: `Debian:12`, `Ubuntu:22.04`, `Alpine:v3.19`
 * (the release is left out when os-release does not give it).
 */
export function ecosystemOf(pkg: InstalledPackage, distro: Distro | undefined): string {
  if (pkg.type === "apk") {
    const release = /^(\d+)\.(\d+)/.exec(distro?.versionId ?? "");
    return release ? `Alpine:v${release[1]}.${release[2]}` : "Alpine";
  }
  const base = distro?.id === "ubuntu" ? "Ubuntu" : "Debian";
  return distro?.versionId ? `${base}:${distro.versionId}` : base;
}

export function compareVersions(type: PackageType, a: string, b: string): number {
  return type === "apk" ? compareApk(a, b) : compareDebian(a, b);
}

/** The package URL (purl) of a package, as SBOM tools and scanners key them. */
export function purlOf(pkg: InstalledPackage, distro: Distro | undefined): string {
  const namespace = pkg.type === "apk" ? "alpine" : distro?.id === "ubuntu" ? "ubuntu" : "debian";
  const qualifiers = new URLSearchParams();
  if (pkg.arch) qualifiers.set("arch", pkg.arch);
  if (distro?.versionId) qualifiers.set("distro", `${distro.id}-${distro.versionId}`);
  if (pkg.source !== pkg.name) qualifiers.set("upstream", pkg.source);
  const q = qualifiers.toString();
  return `pkg:${pkg.type}/${namespace}/${encodeURIComponent(pkg.name)}@${encodeURIComponent(pkg.version)}${q ? `?${q}` : ""}`;
}
