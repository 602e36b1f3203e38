import { describe, expect, it } from "vitest";
import { deploymentSpecJsonSchema } from "./json-schema.js";
import { checkSpec, validateSpec } from "./validate.js";
import { MOUNT_PATH, mountPathProblem } from "./workload-fields.js";

const withService = (service: Record<string, unknown>) => ({
  services: [{ name: "web", image: "nginx:1.27", ...service }],
});

function issuesOf(service: Record<string, unknown>): readonly { path: string; message: string }[] {
  const result = checkSpec(withService(service));
  return result.ok ? [] : result.issues;
}

describe("command, args and volumes in the spec", () => {
  it("parses them and fills a volume's size", () => {
    const spec = validateSpec(
      withService({
        command: ["node"],
        args: ["server.js", "--port", "8080", ""],
        volumes: [{ name: "uploads", path: "/var/lib/app/uploads" }],
      }),
    );
    expect(spec.services[0]).toMatchObject({
      command: ["node"],
      args: ["server.js", "--port", "8080", ""],
      volumes: [{ name: "uploads", path: "/var/lib/app/uploads", sizeGb: 1 }],
    });
  });

  it.each([
    ["data", "absolute path"],
    ["/", "whole file system"],
    ["/data/../etc", '".."'],
    ["/./data", '"."'],
    ["/data/", 'write /data"'.slice(0, -1)],
    ["/a//b", '"//"'],
    ["/proc/x", "under /proc"],
    ["/dev", "under /dev"],
    ["/my data", "no spaces"],
    ["/data:ro", '":"'],
  ])("refuses the mount path %s with the path and a hint", (path, words) => {
    const issues = issuesOf({ volumes: [{ name: "v", path }] });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe("services[0].volumes[0].path");
    expect(issues[0]?.message).toContain(words);
  });

  it("accepts ordinary paths, and the JSON Schema pattern agrees with the check", () => {
    for (const ok of ["/data", "/var/lib/postgresql/data", "/srv/app-1/.cache", "/a/b_c/d.e@f+g=h"]) {
      expect(mountPathProblem(ok)).toBeUndefined();
      expect(MOUNT_PATH.test(ok)).toBe(true);
    }
    for (const bad of ["/data/..", "/.", "/a//b", "/a/", "/a b"]) expect(MOUNT_PATH.test(bad)).toBe(false);
    expect(JSON.stringify(deploymentSpecJsonSchema())).toContain('"volumes"');
  });

  it("refuses duplicate names, duplicate and nested paths", () => {
    const issues = issuesOf({
      volumes: [
        { name: "data", path: "/data" },
        { name: "data", path: "/cache" },
        { name: "other", path: "/data" },
        { name: "inner", path: "/data/inner" },
      ],
    });
    expect(issues.map((i) => i.path)).toEqual([
      "services[0].volumes[1].name",
      "services[0].volumes[2].path",
      "services[0].volumes[3].path",
    ]);
    expect(issues[0]?.message).toContain('duplicate volume name "data"');
    expect(issues[1]?.message).toContain("each volume needs its own path");
    expect(issues[2]?.message).toContain("overlap");
  });

  it("refuses bad volume names, empty commands and NUL bytes", () => {
    const issues = issuesOf({
      command: [],
      args: ["a\0b"],
      volumes: [{ name: "Uploads", path: "/u" }],
    });
    expect(issues.map((i) => i.path).sort()).toEqual([
      "services[0].args[0]",
      "services[0].command",
      "services[0].volumes[0].name",
    ]);
    expect(issues.find((i) => i.path === "services[0].volumes[0].name")?.message).toContain("kebab-case");
  });

  it("lets the same path serve two services: paths are unique per service", () => {
    const result = checkSpec({
      services: [
        { name: "a", volumes: [{ name: "data", path: "/data" }] },
        { name: "b", volumes: [{ name: "data", path: "/data" }] },
      ],
    });
    expect(result.ok).toBe(true);
  });

  it("refuses them on a chart service, which takes them from the chart", () => {
    const result = checkSpec({
      target: "kubernetes",
      services: [
        {
          name: "db",
          chart: { repository: "oci://registry-1.docker.io/bitnamicharts", name: "redis", version: "20.0.0" },
          volumes: [{ name: "d", path: "/d" }],
        },
      ],
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((i) => i.path)).toContain("services[0].volumes");
  });
});
