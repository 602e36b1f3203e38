/**
 * Drift on a real control plane (scripts/kube-up.sh): right after an apply the
 * server's defaults are not drift; a field another manager edits (kubectl set
 * env, kubectl patch) is reported with its path, the rendered value, the live
 * one and the manager that holds it now; a Deployment deleted by hand is
 * missing. The check reads only: the edited Deployment's generation does not move
 * (its client is handed the read half of the API: read and list).
 */
import { describe, expect, it } from "vitest";
import {
  contextFor,
  failureOf,
  render,
  runThroughEngine,
} from "../src/providers/kubernetes/__fixtures__/harness.js";
import { validateSpec } from "../src/spec/validate.js";
import { useKubeCluster } from "./helpers/kube-cluster.js";
import { at, getJson, namespaceOf, realProvider } from "./helpers/kube-real.js";

const cluster = useKubeCluster();

const spec = validateSpec({
  name: "drifting",
  environment: "staging",
  target: "kubernetes",
  services: [
    { name: "web", image: "acme/web:1", port: 8080, replicas: 2, env: { GREETING: "hello" } },
    { name: "api", image: "acme/api:1", port: 9090 },
  ],
});

describe("drift on a real API server", () => {
  it("reports a field edited by another manager with its path, and reads only", {
    timeout: 240_000,
  }, async (ctx) => {
    const kube = cluster();
    if (!kube) return ctx.skip();
    const provider = realProvider(kube);
    expect(failureOf(await runThroughEngine(provider, spec))).toBe("");
    const check = () =>
      provider.detectDrift?.({ ...contextFor(spec, [], AbortSignal.timeout(60_000)) }) ?? [];
    // Server defaults (strategy, terminationMessagePath, dnsPolicy...) are in no rendered object: no drift.
    const fresh = await check();
    expect(fresh, JSON.stringify(fresh)).toEqual([]);

    const ns = namespaceOf(spec);
    await kube.kubectl(["set", "env", "deployment/web", "-n", ns, "GREETING=changed"]);
    await kube.kubectl([
      "patch",
      "deployment/web",
      "-n",
      ns,
      "--type",
      "strategic",
      "-p",
      JSON.stringify({
        spec: { template: { spec: { containers: [{ name: "web", image: "acme/web:9" }] } } },
      }),
    ]);
    await kube.kubectl(["delete", "deployment/api", "-n", ns, "--wait=false"]);
    // Controllers write status all the time; a spec write (an apply) would move the generation.
    const generation = async () => {
      const web = await getJson(kube, "deployment", "web", ns);
      return [
        at(web, "metadata", "generation"),
        at(web, "spec", "template", "spec", "containers", 0, "image"),
      ];
    };
    const before = await generation();
    const items = await check();
    expect(await generation()).toEqual(before);
    expect(before[1]).toBe("acme/web:9");
    expect(items).toEqual(
      expect.arrayContaining([
        {
          kind: "Deployment",
          name: "Deployment/web",
          service: "web",
          change: "changed",
          path: "/spec/template/spec/containers/web/env/GREETING/value",
          expected: "hello",
          actual: "changed",
          manager: "kubectl-set",
        },
        {
          kind: "Deployment",
          name: "Deployment/web",
          service: "web",
          change: "changed",
          path: "/spec/template/spec/containers/web/image",
          expected: "acme/web:1",
          actual: "acme/web:9",
          manager: "kubectl-patch",
        },
        { kind: "Deployment", name: "Deployment/api", service: "api", change: "missing", path: "" },
      ]),
    );
    expect(items, JSON.stringify(items)).toHaveLength(3);
    expect(render(spec).kubernetes?.some((o) => o.kind === "Deployment")).toBe(true);
  });
});
