import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { chartReleaseName } from "../../spec/naming.js";
import { validateSpec } from "../../spec/validate.js";
import { renderHelmChart } from "../helm/index.js";
import { renderKubernetes } from "./index.js";

const spec = validateSpec({
  name: "shop",
  target: "kubernetes",
  services: [
    { name: "web", image: "acme/web:1", port: 8080, dependsOn: ["cache"] },
    { name: "cache", chart: { path: "charts/redis", values: { auth: { enabled: false } } } },
  ],
});

describe("a service that names a chart, rendered", () => {
  it("has no objects of CODE's own, and a HelmRelease-like description beside the manifests, left out of kustomization", () => {
    const out = renderKubernetes(spec);
    const objects = out.kubernetes ?? [];
    expect(objects.some((o) => o.metadata.name === "cache")).toBe(false);
    expect(objects.some((o) => o.kind === "Deployment" && o.metadata.name === "web")).toBe(true);
    const file = out.files.find((f) => f.path === "kubernetes/helm-releases/cache.yaml");
    expect(file?.content).toMatch(
      /helm upgrade --install shop-dev-cache-[0-9a-f]{8} \.\/charts\/redis --namespace/,
    );
    const described = parse(file?.content ?? "") as Record<string, unknown>;
    expect(described).toMatchObject({
      apiVersion: "codeploy.dev/v1",
      kind: "HelmRelease",
      metadata: { name: chartReleaseName({ app: "shop", environment: "dev" }, "cache") },
      spec: { chart: { path: "charts/redis" }, values: { auth: { enabled: false } } },
    });
    const kustomization = out.files.find((f) => f.path === "kubernetes/kustomization.yaml")?.content ?? "";
    expect(kustomization).not.toContain("helm-releases");
    // The same spec gives the same bytes.
    expect(renderKubernetes(spec).files).toEqual(out.files);
  });

  it("is described in the helm target too, outside the app's templates", () => {
    const chart = renderHelmChart(spec);
    expect(chart.files.map((f) => f.path)).toContain("helm-releases/cache.yaml");
    expect(
      chart.files.some((f) => f.path.startsWith("templates/") && f.content.includes("name: cache")),
    ).toBe(false);
    expect(Object.keys(chart.values.services as object)).toEqual(["web"]);
  });
});
