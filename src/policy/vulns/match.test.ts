import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { ecosystemOf, inventoryFromFiles, parseApkInstalled, parseOsRelease, purlOf } from "./inventory.js";
import { matchVulnerabilities, vulnFinding } from "./match.js";
import { inRange, parseOsvDatabase, VulnDbError } from "./osv.js";
import { cycloneDx } from "./sbom.js";
import { cvssScore, rate } from "./severity.js";
import { compareDebian } from "./versions.js";

const fixtures = resolve(import.meta.dirname, "../../../test/fixtures/scan");
const dpkgStatus = readFileSync(resolve(fixtures, "dpkg-status"), "utf8");
const apkInstalled = readFileSync(resolve(fixtures, "apk-installed"), "utf8");
const debian = inventoryFromFiles(
  new Map([
    ["/etc/os-release", 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n'],
    ["/var/lib/dpkg/status", dpkgStatus],
  ]),
);

const record = (id: string, affected: unknown[], extra: Record<string, unknown> = {}) => ({
  id,
  modified: "2024-01-01T00:00:00Z",
  affected,
  ...extra,
});
const db = (...records: unknown[]) =>
  parseOsvDatabase([{ source: "db.json", text: JSON.stringify(records) }]);

describe("inventory", () => {
  it("reads installed dpkg packages with their source package and version, and skips removed ones", () => {
    expect(debian.distro).toEqual({
      id: "debian",
      versionId: "12",
      prettyName: "Debian GNU/Linux 12 (bookworm)",
    });
    expect(debian.packages.map((p) => [p.name, p.version, p.source, p.sourceVersion])).toEqual([
      ["base-files", "12.4+deb12u5", "base-files", "12.4+deb12u5"],
      ["libssl3", "3.0.11-1~deb12u1", "openssl", "3.0.11-1~deb12u1"],
      ["openssl", "3.0.11-1~deb12u1", "openssl", "3.0.11-1~deb12u1"],
      ["zlib1g", "1:1.2.13.dfsg-1+b1", "zlib", "1:1.2.13.dfsg-1"],
    ]);
  });

  it("reads apk's installed database with origins and licenses", () => {
    const pkgs = parseApkInstalled(apkInstalled, "/lib/apk/db/installed");
    expect(pkgs.map((p) => [p.name, p.version, p.source, p.licenses.join()])).toEqual([
      ["busybox", "1.36.1-r15", "busybox", "GPL-2.0-only"],
      ["libcrypto3", "3.1.4-r5", "openssl", "Apache-2.0"],
      ["musl", "1.2.4_git20230717-r4", "musl", "MIT"],
    ]);
  });

  it("reads distroless status.d files, which have no Status field", () => {
    const inv = inventoryFromFiles(
      new Map([
        ["/var/lib/dpkg/status.d/libc6", "Package: libc6\nVersion: 2.36-9+deb12u4\nArchitecture: amd64\n"],
      ]),
    );
    expect(inv.packages.map((p) => p.name)).toEqual(["libc6"]);
    expect(inv.databases).toEqual(["/var/lib/dpkg/status.d/libc6"]);
  });

  it("names OSV ecosystems and purls the way osv.dev and SBOM tools do", () => {
    const alpine = parseOsRelease("ID=alpine\nVERSION_ID=3.19.1\n");
    const [busybox] = parseApkInstalled(apkInstalled, "x");
    if (!busybox) throw new Error("no package");
    expect(ecosystemOf(busybox, alpine)).toBe("Alpine:v3.19");
    expect(purlOf(busybox, alpine)).toBe(
      "pkg:apk/alpine/busybox@1.36.1-r15?arch=x86_64&distro=alpine-3.19.1",
    );
    const ubuntu = parseOsRelease('ID=ubuntu\nVERSION_ID="22.04"\n');
    const [base] = debian.packages;
    if (!base) throw new Error("no package");
    expect(ecosystemOf(base, ubuntu)).toBe("Ubuntu:22.04");
    expect(ecosystemOf(base, undefined)).toBe("Debian");
  });
});

describe("OSV ranges", () => {
  const events = [
    { introduced: "0" },
    { fixed: "1.2-1" },
    { introduced: "1.5-1" },
    { last_affected: "1.6-1" },
  ];
  it.each([
    ["1.0-1", true],
    ["1.2-1", false],
    ["1.4-1", false],
    ["1.5-1", true],
    ["1.6-1", true],
    ["1.6-2", false],
  ])("%s affected: %s", (version, expected) => {
    expect(inRange(version, events, compareDebian)).toBe(expected);
  });
});

describe("matching", () => {
  it("matches by ecosystem release and source package; a record without a release applies to every one", () => {
    const matches = matchVulnerabilities(
      debian,
      db(
        record("A", [
          {
            package: { ecosystem: "Debian:12", name: "openssl" },
            ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "3.0.13-1~deb12u1" }] }],
          },
        ]),
        record("B", [
          {
            package: { ecosystem: "Debian:11", name: "openssl" },
            ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }] }],
          },
        ]),
        record("C", [{ package: { ecosystem: "Debian", name: "base-files" }, versions: ["12.4+deb12u5"] }]),
        record("D", [
          {
            package: { ecosystem: "Debian:12", name: "zlib" },
            ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "1:1.2.13.dfsg-1" }] }],
          },
        ]),
      ),
    );
    expect(matches.map((m) => `${m.record.id} ${m.pkg.name} fixed=${m.fixed}`)).toEqual([
      "C base-files fixed=undefined",
      "A libssl3 fixed=3.0.13-1~deb12u1",
      "A openssl fixed=3.0.13-1~deb12u1",
    ]);
  });

  it("rates by CVSS vectors, database labels and Debian urgency, taking the highest", () => {
    expect(cvssScore("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")).toBe(9.8);
    expect(cvssScore("CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N")).toBeLessThan(4);
    expect(cvssScore("not a vector")).toBeUndefined();
    const affected = { package: { ecosystem: "Debian:12", name: "x" } };
    const r = (extra: Record<string, unknown>, a: Record<string, unknown> = {}) => {
      const parsed = db(record("R", [{ ...affected, ...a }], extra)).byPackage.get("debian/x")?.[0];
      const first = parsed?.affected?.[0];
      if (!parsed || !first) throw new Error("not parsed");
      return rate(parsed, first);
    };
    expect(r({})).toEqual({ severity: "unknown", score: undefined });
    expect(r({ database_specific: { severity: "MODERATE" } }).severity).toBe("medium");
    expect(r({}, { ecosystem_specific: { urgency: "high*" } }).severity).toBe("high");
    expect(
      r({
        severity: [{ type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" }],
        database_specific: { severity: "LOW" },
      }),
    ).toEqual({ severity: "critical", score: 9.8 });
  });

  it("makes findings: errors from --fail-on up, warnings for medium and high below it, notes for the rest", () => {
    const [m] = matchVulnerabilities(
      debian,
      db(
        record(
          "CVE-1",
          [
            {
              package: { ecosystem: "Debian:12", name: "base-files" },
              versions: ["12.4+deb12u5"],
              ecosystem_specific: { urgency: "medium" },
            },
          ],
          { aliases: ["CVE-1", "DSA-1"], summary: "bad" },
        ),
      ),
    );
    if (!m) throw new Error("no match");
    const f = (failOn: "high" | "medium") =>
      vulnFinding(m, { failOn, path: "services[0].image", image: "img:1" });
    expect(f("high")).toEqual({
      id: "CVE-1",
      severity: "warning",
      path: "services[0].image",
      message: "img:1: deb package base-files 12.4+deb12u5 [Debian:12] is affected (medium), aka DSA-1: bad",
      hint: "no fixed version is known yet: check whether the vulnerable code is reachable, or replace the package",
    });
    expect(f("medium").severity).toBe("error");
  });
});

describe("OSV database errors", () => {
  it("names the file and the field of a record that is not OSV, and skips withdrawn records", () => {
    expect(() => parseOsvDatabase([{ source: "a.json", text: "[1" }])).toThrow(VulnDbError);
    expect(() => parseOsvDatabase([{ source: "a.json", text: JSON.stringify({ id: "X" }) }])).toThrow(
      /^a\.json: \.modified: /,
    );
    expect(() =>
      parseOsvDatabase([
        {
          source: "a.json",
          text: JSON.stringify([record("X", [{ ranges: [{ type: "ECOSYSTEM", events: [] }] }])]),
        },
      ]),
    ).toThrow(/a\.json: \[0\]\.affected\[0\]\.ranges\[0\]\.events: /);
    expect(db(record("W", [], { withdrawn: "2024-01-01T00:00:00Z" })).records).toBe(0);
  });
});

/** The CycloneDX 1.5 JSON schema as the CycloneDX library ships it (with the SPDX and JSF schemas it refers to). */
function bomSchema() {
  const require = createRequire(import.meta.url);
  const dir = resolve(dirname(require.resolve("@cyclonedx/cyclonedx-library/package.json")), "res/schema");
  const read = (file: string): Record<string, unknown> => {
    const { $id: _, ...schema } = JSON.parse(readFileSync(resolve(dir, file), "utf8"));
    return schema;
  };
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  for (const file of ["spdx.SNAPSHOT.schema.json", "jsf-0.82.SNAPSHOT.schema.json"])
    ajv.addSchema(read(file), `http://cyclonedx.org/schema/${file}`);
  return ajv.compile({
    ...read("bom-1.5.SNAPSHOT.schema.json"),
    $id: "http://cyclonedx.org/schema/bom-1.5.schema.json",
  });
}

describe("CycloneDX", () => {
  it("writes documents the official CycloneDX 1.5 schema accepts, for one image and for a spec's images", () => {
    const validate = bomSchema();
    const meta = {
      serialNumber: "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
      timestamp: "2026-01-01T00:00:00.000Z",
      toolVersion: "1.0.0",
    };
    const alpine = inventoryFromFiles(
      new Map([
        ["/etc/os-release", "ID=alpine\nVERSION_ID=3.19.1\n"],
        ["/lib/apk/db/installed", apkInstalled],
      ]),
    );
    const images = [
      { reference: "img:1", id: "sha256:ab", inventory: debian },
      { reference: "img:2", id: "sha256:cd", inventory: alpine },
    ];
    for (const bom of [
      cycloneDx(images.slice(0, 1), meta),
      cycloneDx(images, { ...meta, application: "shop" }),
    ]) {
      expect(validate(bom), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    }
    // The schema is not a formality: a component without a name is refused.
    expect(validate({ bomFormat: "CycloneDX", specVersion: "1.5", components: [{ type: "library" }] })).toBe(
      false,
    );
  });

  it("nests each image's packages under a container component in a spec's BOM", () => {
    const meta = {
      serialNumber: "urn:uuid:00000000-0000-4000-8000-000000000000",
      timestamp: "2026-01-01T00:00:00.000Z",
      toolVersion: "1.0.0",
    };
    const image = { reference: "img:1", id: "sha256:ab", inventory: debian };
    const one = cycloneDx([image], meta);
    expect(one.metadata).toMatchObject({ component: { type: "container", name: "img:1" } });
    expect(Array.isArray(one.components) && one.components.length).toBe(5);
    const spec = cycloneDx([image, { ...image, reference: "img:2" }], { ...meta, application: "shop" });
    expect(spec.metadata).toMatchObject({ component: { type: "application", name: "shop" } });
    expect(JSON.stringify(spec.components)).toContain(
      '"bom-ref":"img:2|pkg:deb/debian/openssl@3.0.11-1~deb12u1?arch=amd64&distro=debian-12"',
    );
  });
});
