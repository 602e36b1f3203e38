/**
 * Services that name a Helm chart (`services[].chart`) are not rendered into
 * objects: the kubernetes provider installs each chart as its own Helm
 * release. The render output still says so, one description per chart in
 * `<dir>/helm-releases/<service>.yaml`, shaped like a HelmRelease
 * (`apiVersion: codeploy.dev/v1`, kind HelmRelease: release name, namespace,
 * chart reference and values), so a reader or a GitOps tool sees the whole
 * app. It is a description, not an object to apply: kustomization.yaml leaves
 * it out.
 */
import { type ChartRef, chartServices } from "../../spec/chart.js";
import { chartReleaseName, type Identity } from "../../spec/naming.js";
import type { DeploymentSpec } from "../../spec/schema.js";
import type { ArtifactFile } from "../types.js";
import { toYaml } from "./serialize.js";

export interface ChartRelease {
  readonly service: string;
  readonly release: string;
  readonly namespace: string;
  readonly chart: ChartRef;
}

export function chartReleases(spec: DeploymentSpec, namespace: string): ChartRelease[] {
  const id: Identity = { app: spec.name, environment: spec.environment };
  return chartServices(spec).map((s) => ({
    service: s.name,
    release: chartReleaseName(id, s.name),
    namespace,
    chart: s.chart,
  }));
}

/** `helm upgrade --install` as a person would type it, for the description's comment. */
function command(r: ChartRelease): string {
  const source =
    r.chart.path !== undefined
      ? `./${r.chart.path.replace(/^\.\//, "")}`
      : `${r.chart.name} --repo ${r.chart.repo}${r.chart.version ? ` --version ${r.chart.version}` : ""}`;
  return `helm upgrade --install ${r.release} ${source} --namespace ${r.namespace} --atomic --wait -f values.json`;
}

export function chartReleaseFiles(spec: DeploymentSpec, namespace: string, dir: string): ArtifactFile[] {
  return chartReleases(spec, namespace).map((r) => {
    const { values, ...chart } = r.chart;
    const description = {
      apiVersion: "codeploy.dev/v1",
      kind: "HelmRelease",
      metadata: {
        name: r.release,
        namespace: r.namespace,
        labels: {
          "app.kubernetes.io/part-of": spec.name,
          "app.kubernetes.io/managed-by": "codeploy",
          "codeploy.dev/environment": spec.environment,
          "codeploy.dev/service": r.service,
        },
      },
      spec: {
        chart: chart.path !== undefined ? { ...chart, relativeTo: "the spec file's folder" } : chart,
        values,
        install: { atomic: true, wait: true },
      },
    };
    return {
      path: `${dir}helm-releases/${r.service}.yaml`,
      content: toYaml(
        description,
        [
          ` Service ${r.service} of ${spec.name} (${spec.environment}) is a Helm chart: codeploy installs it as a`,
          " release (not a Kubernetes object: kubectl apply -k leaves this file out), as with",
          ` ${command(r)}`,
        ].join("\n"),
      ),
    };
  });
}
