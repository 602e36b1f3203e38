import { describe, expect, it } from "vitest";
import { chartPathProblem, chartRepoProblem, withoutCharts } from "./chart.js";
import { checkSpec, validateSpec } from "./validate.js";

const kube = (service: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  name: "shop",
  target: "kubernetes",
  services: [{ name: "cache", ...service }],
  ...extra,
});

/** `path: message` of every issue, or [] when the spec is valid. */
function problems(input: unknown): string[] {
  const checked = checkSpec(input);
  return checked.ok ? [] : checked.issues.map((i) => `${i.path}: ${i.message}`);
}

describe("services[].chart", () => {
  it("accepts a local chart and a repository's pinned chart, values kept as given", () => {
    const spec = validateSpec({
      name: "shop",
      target: "kubernetes",
      services: [
        { name: "web", image: "acme/web:1", port: 8080, dependsOn: ["cache"] },
        { name: "cache", chart: { path: "charts/redis", values: { auth: { enabled: false }, replicas: 2 } } },
        {
          name: "search",
          kind: "worker",
          chart: { repo: "https://charts.example.com/stable", name: "opensearch", version: "2.1.0" },
        },
      ],
    });
    expect(spec.services[1]?.chart).toEqual({
      path: "charts/redis",
      values: { auth: { enabled: false }, replicas: 2 },
    });
    expect(spec.services[2]?.chart?.values).toEqual({});
    // A chart decides what is public: no default Ingress for a web chart service.
    expect(spec.services[1]?.public).toBe(false);
  });

  it("refuses paths that leave the spec's folder, each with the path of the field and a hint", () => {
    for (const path of [
      "../charts/x",
      "charts/../../etc",
      "/etc/charts",
      "C:/charts",
      "~/charts",
      "charts\\x",
      "-x",
    ]) {
      const found = problems(kube({ chart: { path } }));
      expect(found, path).toHaveLength(1);
      expect(found[0], path).toMatch(/^services\[0\]\.chart\.path: must /);
    }
    expect(chartPathProblem("charts/redis")).toBeUndefined();
    expect(chartPathProblem("./charts/redis")).toBeUndefined();
    expect(chartPathProblem("charts/..hidden")).toBeUndefined();
    expect(chartPathProblem("../x")).toMatch(/"\.\." is not allowed/);
  });

  it("takes repository URLs over http(s) only, without credentials", () => {
    expect(chartRepoProblem("https://charts.bitnami.com/bitnami")).toBeUndefined();
    expect(chartRepoProblem("http://127.0.0.1:8879/charts")).toBeUndefined();
    expect(chartRepoProblem("oci://registry.example.com/charts")).toMatch(
      /must be an http\(s\) URL, got oci/,
    );
    expect(chartRepoProblem("file:///etc")).toMatch(/got file/);
    expect(chartRepoProblem("https://user:pw@charts.example.com")).toMatch(/credentials/);
    expect(chartRepoProblem("charts.example.com")).toMatch(/must be the URL/);
    expect(problems(kube({ chart: { repo: "ftp://x.example.com", name: "redis" } }))).toEqual([
      "services[0].chart.repo: must be an http(s) URL, got ftp: (oci, file and other schemes are not supported)",
    ]);
  });

  it("needs exactly one source, and values as an object", () => {
    expect(problems(kube({ chart: {} }))).toEqual([
      "services[0].chart: needs path (a local chart folder) or repo and name (a chart of a repository)",
    ]);
    expect(problems(kube({ chart: { path: "c", repo: "https://x.example.com", name: "n" } }))[0]).toMatch(
      /^services\[0\]\.chart\.path: give either path .* not both/,
    );
    expect(problems(kube({ chart: { name: "redis" } }))).toEqual([
      "services[0].chart.repo: is required with name: the chart repository's http(s) URL",
    ]);
    expect(problems(kube({ chart: { repo: "https://x.example.com" } }))).toEqual([
      "services[0].chart.name: is required with repo: the chart's name",
    ]);
    expect(problems(kube({ chart: { path: "c", version: "1.0.0" } }))[0]).toMatch(
      /version: a local chart's version/,
    );
    for (const [values, got] of [
      ["replicas=2", 'a string ("replicas=2")'],
      [["a"], "a list"],
      [3, "number 3"],
    ] as const)
      expect(problems(kube({ chart: { path: "c", values } }))).toEqual([
        `services[0].chart.values: must be an object, got ${got}`,
      ]);
    expect(
      problems(kube({ chart: { repo: "https://x.example.com", name: "Bad Name", version: "1 || rm" } })),
    ).toHaveLength(2);
  });

  it("refuses the fields a chart decides, and a target other than kubernetes", () => {
    expect(
      problems(
        kube({ image: "redis:7", port: 6379, replicas: 2, env: { A: "b" }, chart: { path: "charts/redis" } }),
      ),
    ).toEqual([
      "services[0].image: a service with a chart takes image from the chart: set it in chart.values instead",
      "services[0].port: a service with a chart takes port from the chart: set it in chart.values instead",
      "services[0].replicas: a service with a chart takes replicas from the chart: set it in chart.values instead",
      "services[0].env: a service with a chart takes its environment from the chart: set it in chart.values instead",
    ]);
    expect(problems(kube({ chart: { path: "charts/redis" } }, { target: "docker" }))).toEqual([
      "services[0].chart: a Helm chart is installed on Kubernetes only: set target: kubernetes (the spec's target is docker)",
    ]);
  });

  it("withoutCharts leaves the services CODE renders, and their links to charts out", () => {
    const spec = validateSpec({
      name: "shop",
      target: "kubernetes",
      services: [
        { name: "web", image: "acme/web:1", dependsOn: ["cache", "pg"] },
        { name: "cache", chart: { path: "charts/redis" } },
      ],
      databases: [{ name: "pg", engine: "postgres" }],
    });
    const rendered = withoutCharts(spec);
    expect(rendered.services.map((s) => [s.name, s.dependsOn])).toEqual([["web", ["pg"]]]);
    expect(withoutCharts(rendered)).toBe(rendered);
  });
});
