/**
 * `codeploy scan` on real images in a real engine (podman's Docker Engine API
 * service): busybox rootfs images made with `podman import`, holding a
 * hand-written dpkg status (Debian 12) or apk installed file (Alpine 3.19),
 * matched against a small OSV database written here in osv.dev's format.
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import { captureIo } from "../src/cli/test-io.js";
import { startPodman } from "./helpers/podman.js";

const pm = await startPodman();
const work = mkdtempSync(join(tmpdir(), "codeploy-scan-"));
const fixtures = resolve(import.meta.dirname, "fixtures/scan");
const DEBIAN = "localhost/codeploy-test/scan-debian:12";
const ALPINE = "localhost/codeploy-test/scan-alpine:3.19";
const ALMA = "localhost/codeploy-test/scan-alma:9";
const rpmbuild = spawnSync("rpmbuild", ["--version"]).status === 0;

afterAll(async () => {
  await pm?.stop();
  rmSync(work, { recursive: true, force: true });
}, 120_000);

/** A busybox rootfs with the given files (path -> content) and /etc/os-release linked to /usr/lib. */
async function buildImage(
  tag: string,
  osRelease: string,
  files: Record<string, string>,
  prepare: (rootfs: string) => void = () => undefined,
) {
  const dir = join(work, tag.replace(/[^a-z0-9]/g, "-"));
  mkdirSync(join(dir, "bin"), { recursive: true });
  mkdirSync(join(dir, "etc"), { recursive: true });
  mkdirSync(join(dir, "usr/lib"), { recursive: true });
  copyFileSync("/bin/busybox", join(dir, "bin/busybox"));
  symlinkSync("busybox", join(dir, "bin/sh"));
  writeFileSync(join(dir, "usr/lib/os-release"), osRelease);
  symlinkSync("../usr/lib/os-release", join(dir, "etc/os-release"));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  prepare(dir);
  const tar = `${dir}.tar`;
  execFileSync("tar", ["-C", dir, "-cf", tar, "."]);
  await pm?.podman(["import", tar, tag]);
}

const CRITICAL_VECTOR = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";

/** OSV records as osv.dev publishes them (one file each), plus two that must not match. */
const RECORDS = {
  "DEBIAN-CVE-2023-5678.json": {
    id: "DEBIAN-CVE-2023-5678",
    modified: "2024-01-10T00:00:00Z",
    aliases: ["CVE-2023-5678"],
    summary: "openssl: excessive time spent in DH checks",
    severity: [{ type: "CVSS_V3", score: CRITICAL_VECTOR }],
    affected: [
      {
        package: { ecosystem: "Debian:12", name: "openssl" },
        ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "3.0.11-1~deb12u2" }] }],
      },
    ],
  },
  "DEBIAN-CVE-2021-0001.json": {
    id: "DEBIAN-CVE-2021-0001",
    modified: "2022-01-01T00:00:00Z",
    summary: "bullseye only: another release",
    affected: [
      {
        package: { ecosystem: "Debian:11", name: "openssl" },
        ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "9.9.9" }] }],
      },
    ],
  },
  "DEBIAN-CVE-2022-0002.json": {
    id: "DEBIAN-CVE-2022-0002",
    modified: "2023-01-01T00:00:00Z",
    summary: "zlib: fixed in exactly the installed version",
    affected: [
      {
        package: { ecosystem: "Debian:12", name: "zlib" },
        ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "1:1.2.13.dfsg-1" }] }],
      },
    ],
  },
  "DEBIAN-CVE-2023-45853.json": {
    id: "DEBIAN-CVE-2023-45853",
    modified: "2024-02-01T00:00:00Z",
    summary: "zlib: MiniZip integer overflow",
    affected: [
      {
        package: { ecosystem: "Debian:12", name: "zlib" },
        versions: ["1:1.2.13.dfsg-1"],
        ecosystem_specific: { urgency: "low" },
      },
    ],
  },
  "ALPINE-CVE-2024-0727.json": {
    id: "ALPINE-CVE-2024-0727",
    modified: "2024-02-01T00:00:00Z",
    aliases: ["CVE-2024-0727"],
    summary: "openssl: PKCS12 NULL dereference",
    database_specific: { severity: "MODERATE" },
    affected: [
      {
        package: { ecosystem: "Alpine:v3.19", name: "openssl" },
        ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "3.1.4-r6" }] }],
      },
    ],
  },
  "ALPINE-CVE-2023-42366.json": {
    id: "ALPINE-CVE-2023-42366",
    modified: "2024-01-01T00:00:00Z",
    summary: "busybox: fixed in r2, the image has r15 (numeric, not text, order)",
    affected: [
      {
        package: { ecosystem: "Alpine:v3.19", name: "busybox" },
        ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "1.36.1-r2" }] }],
      },
    ],
  },
  "ALSA-2024-0310.json": {
    id: "ALSA-2024:0310",
    modified: "2024-01-25T00:00:00Z",
    summary: "Moderate: openssl security update",
    severity: [{ type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:H" }],
    affected: [
      {
        package: { ecosystem: "AlmaLinux:9", name: "openssl" },
        ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "1:3.0.7-25.el9_3" }] }],
      },
    ],
  },
  "ALPINE-CVE-2020-9999.json": {
    id: "ALPINE-CVE-2020-9999",
    modified: "2024-01-01T00:00:00Z",
    withdrawn: "2024-01-02T00:00:00Z",
    affected: [
      {
        package: { ecosystem: "Alpine:v3.19", name: "musl" },
        ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }] }],
      },
    ],
  },
};

const db = join(work, "osv");

async function scan(...argv: string[]) {
  const io = captureIo({
    cwd: work,
    env: { CODEPLOY_HOME: join(work, "home"), DOCKER_HOST: pm?.host ?? "" },
  });
  const code = await main(["scan", ...argv], io);
  return { code, out: io.out(), err: io.err() };
}

interface ScanJson {
  images: {
    reference: string;
    scanned: boolean;
    databases: string[];
    packages: number;
    distro?: { id: string };
  }[];
  findings: { id: string; severity: string; path: string; message: string; hint: string }[];
}

/** A real rpm database (rpm's sqlite backend) with two packages built from one source, openssl. */
function installRpms(rootfs: string) {
  const top = join(work, "rpmbuild");
  const spec = join(work, "openssl.spec");
  writeFileSync(
    spec,
    "Name: openssl\nEpoch: 1\nVersion: 3.0.7\nRelease: 24.el9\nSummary: test\nLicense: ASL 2.0\nBuildArch: x86_64\n%description\ntest\n%package libs\nSummary: libs\n%description libs\nlibs\n%files\n%files libs\n",
  );
  execFileSync("rpmbuild", ["-bb", "--define", `_topdir ${top}`, spec], { stdio: "ignore" });
  const rpms = ["openssl", "openssl-libs"].map((n) =>
    join(top, "RPMS/x86_64", `${n}-3.0.7-24.el9.x86_64.rpm`),
  );
  const root = ["--root", rootfs, "--dbpath", "/var/lib/rpm"];
  execFileSync("rpm", [...root, "--initdb"]);
  execFileSync("rpm", [...root, "-i", "--justdb", "--nodeps", "--ignorearch", "--ignoreos", ...rpms], {
    stdio: "ignore",
  });
}

describe.skipIf(!pm)("codeploy scan on real images through the Engine API", () => {
  beforeAll(async () => {
    mkdirSync(db);
    for (const [file, record] of Object.entries(RECORDS))
      writeFileSync(join(db, file), JSON.stringify(record));
    await buildImage(DEBIAN, 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n', {
      "var/lib/dpkg/status": readFileSync(join(fixtures, "dpkg-status"), "utf8"),
    });
    await buildImage(
      ALPINE,
      'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME="Alpine Linux v3.19"\n',
      {
        "lib/apk/db/installed": readFileSync(join(fixtures, "apk-installed"), "utf8"),
      },
    );
    if (rpmbuild || process.env.CI)
      await buildImage(
        ALMA,
        'ID="almalinux"\nVERSION_ID="9.3"\nPRETTY_NAME="AlmaLinux 9.3 (Shamrock Pampas Cat)"\n',
        {},
        installRpms,
      );
  }, 300_000);

  it.skipIf(!rpmbuild && !process.env.CI)(
    "inventories an rpm image's sqlite database (epoch, source rpm) and matches AlmaLinux records",
    async () => {
      const sbom = join(work, "alma.cdx.json");
      const r = await scan(ALMA, "--db", db, "--sbom", sbom, "--json");
      const out = JSON.parse(r.out) as ScanJson;
      expect(out.images).toEqual([
        expect.objectContaining({ scanned: true, databases: ["/var/lib/rpm/rpmdb.sqlite"], packages: 2 }),
      ]);
      expect(out.findings.map((f) => `${f.severity} ${f.id} ${f.message.split(" is affected")[0]}`)).toEqual([
        `warning ALSA-2024:0310 ${ALMA}: rpm package openssl 1:3.0.7-24.el9 [AlmaLinux:9]`,
        `warning ALSA-2024:0310 ${ALMA}: rpm package openssl-libs 1:3.0.7-24.el9 (source openssl) [AlmaLinux:9]`,
      ]);
      expect(out.findings[0]?.hint).toContain("upgrade openssl to 1:3.0.7-25.el9_3 or later");
      expect(r.code).toBe(0);
      const bom = JSON.parse(readFileSync(sbom, "utf8"));
      expect(bom.components.map((c: { purl?: string }) => c.purl).filter(Boolean)).toEqual([
        "pkg:rpm/almalinux/openssl@3.0.7-24.el9?arch=x86_64&epoch=1&distro=almalinux-9.3",
        "pkg:rpm/almalinux/openssl-libs@3.0.7-24.el9?arch=x86_64&epoch=1&distro=almalinux-9.3&upstream=openssl",
      ]);
    },
    120_000,
  );

  it("inventories a Debian image's dpkg status, matches by source package and release, writes a CycloneDX SBOM, and refuses at --fail-on", async () => {
    const sbom = join(work, "debian.cdx.json");
    const r = await scan(DEBIAN, "--db", db, "--sbom", sbom, "--json");
    expect(r.err).toBe("");
    const out = JSON.parse(r.out) as ScanJson;
    expect(out.images).toEqual([
      expect.objectContaining({
        reference: DEBIAN,
        scanned: true,
        databases: ["/var/lib/dpkg/status"],
        packages: 4,
      }),
    ]);
    expect(out.findings.map((f) => `${f.severity} ${f.id} ${f.message.split(" is affected")[0]}`)).toEqual([
      `error DEBIAN-CVE-2023-5678 ${DEBIAN}: deb package libssl3 3.0.11-1~deb12u1 (source openssl) [Debian:12]`,
      `error DEBIAN-CVE-2023-5678 ${DEBIAN}: deb package openssl 3.0.11-1~deb12u1 [Debian:12]`,
      `info DEBIAN-CVE-2023-45853 ${DEBIAN}: deb package zlib1g 1:1.2.13.dfsg-1+b1 (source zlib) [Debian:12]`,
    ]);
    expect(out.findings[0]?.message).toContain("(critical 9.8), aka CVE-2023-5678");
    expect(out.findings[0]?.hint).toContain("upgrade openssl to 3.0.11-1~deb12u2 or later");
    expect(r.code).toBe(1);

    const bom = JSON.parse(readFileSync(sbom, "utf8"));
    expect(bom).toMatchObject({ bomFormat: "CycloneDX", specVersion: "1.5", version: 1 });
    expect(bom.serialNumber).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    expect(bom.metadata.component).toMatchObject({ type: "container", name: DEBIAN });
    const purls = bom.components.map((c: { purl?: string; type: string }) => c.purl ?? c.type);
    expect(purls).toEqual([
      "operating-system",
      "pkg:deb/debian/base-files@12.4%2Bdeb12u5?arch=amd64&distro=debian-12",
      "pkg:deb/debian/libssl3@3.0.11-1~deb12u1?arch=amd64&distro=debian-12&upstream=openssl",
      "pkg:deb/debian/openssl@3.0.11-1~deb12u1?arch=amd64&distro=debian-12",
      "pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1%2Bb1?arch=amd64&distro=debian-12&upstream=zlib",
    ]);
  }, 120_000);

  it("inventories an Alpine image's apk database (origin names, -rN order) and passes below --fail-on", async () => {
    const r = await scan(ALPINE, "--db", db, "--fail-on", "critical");
    expect(r.code).toBe(0);
    expect(r.out).toContain(`${ALPINE} (sha256:`);
    expect(r.out).toContain("Alpine Linux v3.19, 3 package(s) from /lib/apk/db/installed");
    expect(r.out).toContain("Scan: 0 error(s), 1 warning(s), 0 note(s) (errors: critical and above)");
    expect(r.out).toMatch(
      /WARNING ALPINE-CVE-2024-0727 .*apk package libcrypto3 3\.1\.4-r5 \(source openssl\) \[Alpine:v3\.19\] is affected \(medium\)/,
    );
    expect(r.out).not.toContain("ALPINE-CVE-2023-42366");
    expect(r.out).not.toContain("ALPINE-CVE-2020-9999");
    // The same scan at the default --fail-on high is still clean; at medium it is refused.
    expect((await scan(ALPINE, "--db", db)).code).toBe(0);
    expect((await scan(ALPINE, "--db", db, "--fail-on", "medium")).code).toBe(1);
  }, 120_000);

  it("scans every image a spec runs, reporting the ones the engine does not have", async () => {
    const spec = join(work, "shop.yaml");
    writeFileSync(
      spec,
      `name: shop\nenvironment: production\ntarget: docker\nservices:\n  - {name: web, image: "${DEBIAN}", port: 8080}\n  - {name: worker, kind: worker, image: "${ALPINE}"}\ndatabases:\n  - {name: db, engine: postgres, image: "localhost/codeploy-test/never-built:1"}\n`,
    );
    const r = await scan("shop.yaml", "--db", db, "--json");
    const out = JSON.parse(r.out) as ScanJson;
    expect(out.images.map((i) => [i.reference, i.scanned])).toEqual([
      [DEBIAN, true],
      [ALPINE, true],
      ["localhost/codeploy-test/never-built:1", false],
    ]);
    const brief = out.findings.map((f) => `${f.severity} ${f.id} ${f.path}`);
    expect(brief).toEqual([
      "error DEBIAN-CVE-2023-5678 services[0].image",
      "error DEBIAN-CVE-2023-5678 services[0].image",
      "warning ALPINE-CVE-2024-0727 services[1].image",
      "warning CODE-SCAN-001 databases[0].image",
      "info DEBIAN-CVE-2023-45853 services[0].image",
    ]);
    expect(r.code).toBe(1);
  }, 120_000);

  it("refuses a missing image, a bad database and a bad --fail-on with a clear message, and leaves no container", async () => {
    const missing = await scan("localhost/codeploy-test/absent:1", "--db", db);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain(
      "the image localhost/codeploy-test/absent:1 is not in the engine's local images",
    );
    expect(missing.err).not.toMatch(/\n\s+at /);

    const bad = join(work, "bad.json");
    writeFileSync(
      bad,
      JSON.stringify([{ id: "X-1", modified: "2024-01-01T00:00:00Z", affected: [{ ranges: "no" }] }]),
    );
    const badDb = await scan(DEBIAN, "--db", bad);
    expect(badDb.code).toBe(2);
    expect(badDb.err).toContain(`${bad}: [0].affected[0].ranges:`);
    expect(badDb.err).toContain("hint: --db takes OSV JSON");

    const notJson = join(work, "not.json");
    writeFileSync(notJson, "{ nope");
    expect((await scan(DEBIAN, "--db", notJson)).err).toContain(`${notJson}: not JSON`);

    const badRef = await scan("../containers/x", "--db", db);
    expect(badRef.code).toBe(2);
    expect(badRef.err).toContain("give an image reference");

    const noSpec = await scan("shopp.yaml", "--db", db);
    expect(noSpec.code).toBe(2);
    expect(noSpec.err).toContain("no spec file shopp.yaml");

    const failOn = await scan(DEBIAN, "--db", db, "--fail-on", "severe");
    expect(failOn.code).toBe(2);
    expect(failOn.err).toContain("--fail-on severe: not a severity");

    const left = await pm?.docker.listContainers({
      all: true,
      filters: { label: ["io.codeploy.purpose=scan"] },
    });
    expect(left).toEqual([]);
  }, 120_000);
});
