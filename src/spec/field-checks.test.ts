import { describe, expect, it } from "vitest";
import {
  cronProblem,
  domainProblem,
  findCycle,
  healthPathProblem,
  IMAGE_REFERENCE,
  imageProblem,
} from "./field-checks.js";
import { parseSpecText } from "./parse.js";
import { checkSpec } from "./validate.js";

const issuesOf = (input: unknown) => {
  const r = checkSpec(input);
  return r.ok ? [] : r.issues;
};
const web = (extra: Record<string, unknown>) => ({
  services: [{ name: "web", image: "nginx:1.27", ...extra }],
});
const cron = (schedule: string) => ({
  services: [{ name: "job", kind: "cron", image: "busybox:1.36", schedule }],
});

describe("cron schedules", () => {
  it.each(["0 2 * * *", "*/15 * * * *", "0 2 * * MON-FRI", "0 0 1 1 *", "30 4 1,15 * 7"])(
    "accepts %s",
    (s) => {
      expect(cronProblem(s)).toBeUndefined();
      expect(issuesOf(cron(s))).toEqual([]);
    },
  );

  it.each([
    ["61 * * * *", "minute field", "0-59"],
    ["0 25 * * *", "hour field", "0-23"],
    ["0 0 0 * *", "day-of-month field", "1-31"],
    ["0 0 1 13 *", "month field", "1-12"],
    ["0 2 * * 8", "day-of-week field", "0-7"],
    ["*/0 * * * *", "minute field", "repeat"],
  ])("refuses %s naming the %s", (s, field, words) => {
    const [issue] = issuesOf(cron(s));
    expect(issue?.path).toBe("services[0].schedule");
    expect(issue?.message).toContain(field);
    expect(issue?.message).toContain(words);
  });

  it("says how many fields it got", () => {
    expect(cronProblem("@daily")).toContain("got 1 field(s)");
    expect(cronProblem("0 0 2 * * *")).toContain("got 6 field(s)");
  });
});

describe("domains", () => {
  it.each(["shop.example.com", "a.b.c.example.co.uk", "xn--bcher-kva.example", "1.example.com", "a-b.io"])(
    "accepts %s",
    (d) => expect(domainProblem(d)).toBeUndefined(),
  );

  it.each([
    ["Shop.Example.com", 'lower case: write "shop.example.com"'],
    ["my_shop.example.com", '"_" is not allowed'],
    ["shop..example.com", "empty label"],
    [".example.com", "empty label"],
    ["example.com.", "empty label"],
    ["localhost", "such as shop.example.com"],
    [`${"a".repeat(64)}.example.com`, "longer than 63"],
    [`${"a.".repeat(127)}com`, "at most 253"],
    ["-shop.example.com", "not start or end"],
    ["shop-.example.com", "not start or end"],
    ["10.0.0.1", "not an IP address"],
    ["shop.example.com/path", "only a-z"],
  ])("refuses %s", (d, words) => {
    expect(domainProblem(d)).toContain(words);
  });

  it("reports the problem at the domain's path", () => {
    const [issue] = issuesOf(web({ domain: "SHOP.example.com" }));
    expect(issue).toEqual({
      path: "services[0].domain",
      message: 'must be lower case: write "shop.example.com"',
    });
  });
});

describe("env keys that reach Object.prototype", () => {
  it.each(["__proto__", "constructor", "prototype"])("refuses %s from JSON and from YAML", (key) => {
    const json = `{"services":[{"name":"web","image":"nginx:1.27","env":{"${key}":"x","OK":"1"}}]}`;
    const yaml = `services:\n  - name: web\n    image: nginx:1.27\n    env:\n      ${key}: x\n      OK: "1"\n`;
    for (const text of [json, yaml]) {
      let message = "";
      try {
        parseSpecText(text);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toContain("reserved names");
      expect(message).toContain(`services[0].env`);
    }
    expect(({} as Record<string, unknown>).x).toBeUndefined(); // nothing leaked into Object.prototype
  });
});

describe("health-check paths", () => {
  it.each(["/", "/healthz", "/api/v1/health?full=1", "/%7Euser/ok", "/a-b_c.d~e"])("accepts %s", (p) =>
    expect(healthPathProblem(p)).toBeUndefined(),
  );

  it.each([
    ["healthz", "must start with /"],
    ["/health\nX-Injected: 1", "control characters"],
    ["/health\r", "control characters"],
    ["/a\u0000b", "control characters"],
    ["/health check", "no spaces"],
    ["/héalth", "percent-encode"],
    ["/x#frag", "percent-encode"],
    [`/${"a".repeat(1100)}`, "at most 1024"],
  ])("refuses %j", (p, words) => {
    expect(healthPathProblem(p)).toContain(words);
    expect(issuesOf(web({ port: 80, healthCheck: { path: p } }))[0]?.path).toBe(
      "services[0].healthCheck.path",
    );
  });
});

describe("image references (distribution/reference grammar)", () => {
  it.each([
    "nginx",
    "nginx:1.27",
    "library/nginx:1.27-alpine",
    "ghcr.io/acme/api:2.1",
    "localhost:5000/app",
    "localhost:5000/team/app:v1.0.0",
    "registry.example.com:443/a/b/c:latest",
    "[::1]:5000/app:1",
    "my_org/my__app.name-x:TAG_1.2",
    `nginx@sha256:${"a".repeat(64)}`,
    `ghcr.io/acme/api:2.1@sha256:${"0123456789abcdef".repeat(4)}`,
    "Registry.Example.com/app:1",
  ])("accepts %s", (image) => {
    expect(imageProblem(image)).toBeUndefined();
  });

  it.each([
    "",
    "Nginx:1.27",
    "acme/API",
    "nginx:",
    "nginx:-bad",
    `nginx:${"t".repeat(129)}`,
    "nginx@sha256:abc",
    "nginx:1.27 --privileged",
    "nginx;rm -rf /",
    "-nginx",
    "nginx/",
    "//nginx",
    "nginx:1.27\n",
    "https://ghcr.io/acme/api",
    "ghcr.io/acme/api:2.1@",
    "a--/b",
  ])("refuses %j", (image) => {
    expect(IMAGE_REFERENCE.test(image)).toBe(false);
    expect(imageProblem(image)).toContain("is not an image reference");
  });

  it("caps the name at 255 characters and reports at the image's path", () => {
    expect(imageProblem(`${"a/".repeat(128)}b`)).toContain("at most 255");
    const [issue] = issuesOf({ services: [{ name: "web", image: "Acme/Shop" }] });
    expect(issue?.path).toBe("services[0].image");
    expect(issue?.message).toContain("lower case");
  });
});

describe("dependsOn cycles", () => {
  it("finds the whole cycle, first node repeated last", () => {
    const edges = new Map([
      ["a", ["b"]],
      ["b", ["c", "db"]],
      ["c", ["a"]],
      ["d", []],
    ]);
    expect(findCycle(edges)).toEqual(["a", "b", "c", "a"]);
    expect(
      findCycle(
        new Map([
          ["a", ["b"]],
          ["b", []],
        ]),
      ),
    ).toBeUndefined();
  });

  it("handles a chain of 100,000 without overflowing the stack", () => {
    const edges = new Map<string, string[]>();
    for (let i = 0; i < 100_000; i++) edges.set(`s${i}`, [`s${i + 1}`]);
    expect(findCycle(edges)).toBeUndefined();
    edges.set("s100000", ["s0"]);
    expect(findCycle(edges)?.length).toBe(100_002);
  });

  it("is a validation issue naming every service on it", () => {
    const issues = issuesOf({
      services: [
        { name: "web", image: "nginx:1.27", dependsOn: ["api"] },
        { name: "api", image: "acme/api:1", dependsOn: ["worker", "db"] },
        { name: "worker", kind: "worker", image: "acme/worker:1", dependsOn: ["web"] },
      ],
      databases: [{ name: "db", engine: "postgres" }],
    });
    expect(issues).toEqual([
      {
        path: "services[0].dependsOn",
        message:
          "dependency cycle: web -> api -> worker -> web (each depends on the next); remove one of these dependsOn links",
      },
    ]);
  });
});
