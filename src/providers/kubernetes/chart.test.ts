import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ProviderError } from "../../engine/provider.js";
import { validateSpec } from "../../spec/validate.js";
import { contextFor, stepOf } from "./__fixtures__/harness.js";
import { describeChart, localChartDir, revisionTag } from "./chart.js";

const base = mkdtempSync(join(tmpdir(), "codeploy-chart-dir-"));
const root = join(base, "project");
const outside = join(base, "elsewhere");
for (const dir of [join(root, "charts/ok"), join(root, "charts/empty"), outside])
  mkdirSync(dir, { recursive: true });
writeFileSync(join(root, "charts/ok/Chart.yaml"), "apiVersion: v2\nname: ok\nversion: 0.1.0\n");
writeFileSync(join(outside, "Chart.yaml"), "apiVersion: v2\nname: secret\nversion: 0.1.0\n");
symlinkSync(outside, join(root, "charts/link"));
afterAll(() => rmSync(base, { recursive: true, force: true }));

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  expect((error as ProviderError).code).toBe("CHART_PATH");
  return (error as ProviderError).message;
}

describe("a local chart's folder", () => {
  it("is found inside the spec's folder", async () => {
    expect(await localChartDir(root, "charts/ok")).toMatch(/project\/charts\/ok$/);
    expect(await localChartDir(root, "./charts/ok")).toMatch(/project\/charts\/ok$/);
  });

  it("is refused through a link that leads out, when missing, without Chart.yaml, or with no folder to look in", async () => {
    expect(await refusal(localChartDir(root, "charts/link"))).toMatch(/leads outside the spec's folder/);
    expect(await refusal(localChartDir(root, "charts/none"))).toMatch(/no local chart at charts\/none/);
    expect(await refusal(localChartDir(root, "charts/empty"))).toMatch(/has no Chart.yaml/);
    expect(await refusal(localChartDir(undefined, "charts/ok"))).toMatch(/has no folder to be found in/);
  });
});

describe("a chart step", () => {
  const spec = validateSpec({
    name: "shop",
    target: "kubernetes",
    services: [
      { name: "cache", chart: { repo: "https://charts.example.com", name: "redis", values: { a: 1 } } },
    ],
  });

  it("is planned in words: the release, the chart, and a warning for an unpinned version", () => {
    const lines = describeChart(
      stepOf(spec, "service:cache"),
      contextFor(spec),
      spec.services[0]?.chart ?? { values: {} },
      "ns",
    );
    expect(lines[0]).toMatch(
      /^helm upgrade --install shop-dev-cache-[0-9a-f]{8} in ns from the chart redis \(newest version: unpinned\) from https:\/\/charts.example.com with 1 top-level value/,
    );
    expect(lines[1]).toMatch(/has no version: the newest one .* \(pin chart.version\)/);
  });

  it("tags Helm revisions with the codeploy revision and a digest of the chart and values, key order aside", () => {
    const ctx = contextFor(spec);
    const a = revisionTag(ctx, {
      repo: "https://x.example.com",
      name: "n",
      values: { a: 1, b: { c: 2, d: 3 } },
    });
    const b = revisionTag(ctx, {
      name: "n",
      repo: "https://x.example.com",
      values: { b: { d: 3, c: 2 }, a: 1 },
    });
    const c = revisionTag(ctx, {
      name: "n",
      repo: "https://x.example.com",
      values: { a: 2, b: { c: 2, d: 3 } },
    });
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    expect(a).toMatch(/^codeploy shop\/dev revision 1, chart [0-9a-f]{16}$/);
  });
});
