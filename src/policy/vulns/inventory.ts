/**
 * What is installed in an image, read from its package databases: dpkg's
 * status file (Debian, Ubuntu; `status.d/` in distroless images), apk's
 * installed file (Alpine) and rpm's sqlite database (RHEL 9, AlmaLinux,
 * Rocky, Fedora; its headers decoded by rpm.ts), with the distribution from
 * os-release. Pure: the caller reads the files (INVENTORY_PATHS) out of the
 * image, and the rpm headers out of the database.
 */
import { compareApk, compareDebian, compareRpm } from "./versions.js";

/** rpm's sqlite databases (rpm >= 4.16), where distributions keep them. */
export const RPM_DATABASES = ["/var/lib/rpm/rpmdb.sqlite", "/usr/lib/sysimage/rpm/rpmdb.sqlite"] as const;

/** The files an inventory reads, absolute paths inside the image. */
export const INVENTORY_PATHS = [
  "/etc/os-release",
  "/usr/lib/os-release",
  "/var/lib/dpkg/status",
  "/var/lib/dpkg/status.d",
  "/lib/apk/db/installed",
  ...RPM_DATABASES,
] as const;

export type PackageType = "deb" | "apk" | "rpm";

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

/**
 * Files read from an image (absolute path -> content; a missing file is
 * absent), plus the packages of an rpm database when the caller decoded one.
 */
export function inventoryFromFiles(
  files: ReadonlyMap<string, string>,
  rpm: { readonly path: string; readonly packages: readonly InstalledPackage[] } | undefined = undefined,
): Inventory {
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
  if (rpm) {
    databases.push(rpm.path);
    packages.push(...rpm.packages);
  }
  packages.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { distro: osRelease ? parseOsRelease(osRelease) : undefined, packages, databases };
}

/** OSV's names of the rpm distributions it covers; the release is the major version. */
const RPM_ECOSYSTEMS: Readonly<Record<string, string>> = {
  almalinux: "AlmaLinux",
  rocky: "Rocky Linux",
  rhel: "Red Hat",
  opensuse: "openSUSE",
  "opensuse-leap": "openSUSE",
  sles: "SUSE",
};

/**
 * The OSV ecosystem of a package: `Debian:12`, `Ubuntu:22.04`, `Alpine:v3.19`
 * (the release is left out when os-release does not give it).
 */
export function ecosystemOf(pkg: InstalledPackage, distro: Distro | undefined): string {
  if (pkg.type === "apk") {
    const release = /^(\d+)\.(\d+)/.exec(distro?.versionId ?? "");
    return release ? `Alpine:v${release[1]}.${release[2]}` : "Alpine";
  }
  if (pkg.type === "rpm") {
    const base = RPM_ECOSYSTEMS[distro?.id ?? ""] ?? distro?.id ?? "rpm";
    const major = /^\d+/.exec(distro?.versionId ?? "")?.[0];
    // Red Hat's OSV ecosystems name products (Red Hat:enterprise_linux:9::baseos), not releases.
    return major && (base === "AlmaLinux" || base === "Rocky Linux") ? `${base}:${major}` : base;
  }
  const base = distro?.id === "ubuntu" ? "Ubuntu" : "Debian";
  return distro?.versionId ? `${base}:${distro.versionId}` : base;
}

export function compareVersions(type: PackageType, a: string, b: string): number {
  if (type === "rpm") return compareRpm(a, b);
  return type === "apk" ? compareApk(a, b) : compareDebian(a, b);
}

/** The package URL (purl) of a package, as SBOM tools and scanners key them. */
export function purlOf(pkg: InstalledPackage, distro: Distro | undefined): string {
  const namespace =
    pkg.type === "rpm"
      ? (distro?.id ?? "rpm")
      : pkg.type === "apk"
        ? "alpine"
        : distro?.id === "ubuntu"
          ? "ubuntu"
          : "debian";
  const qualifiers = new URLSearchParams();
  // purl puts an rpm's epoch in a qualifier, not in the version.
  const epoch = pkg.type === "rpm" ? /^(\d+):/.exec(pkg.version)?.[1] : undefined;
  const version = epoch ? pkg.version.slice(epoch.length + 1) : pkg.version;
  if (pkg.arch) qualifiers.set("arch", pkg.arch);
  if (epoch) qualifiers.set("epoch", epoch);
  if (distro?.versionId) qualifiers.set("distro", `${distro.id}-${distro.versionId}`);
  if (pkg.source !== pkg.name) qualifiers.set("upstream", pkg.source);
  const q = qualifiers.toString();
  return `pkg:${pkg.type}/${namespace}/${encodeURIComponent(pkg.name)}@${encodeURIComponent(version)}${q ? `?${q}` : ""}`;
}
