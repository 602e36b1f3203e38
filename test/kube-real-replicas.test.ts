/**
 * Replicas and placement on a real control plane (scripts/kube-up.sh): what
 * the real server-side apply merge does with a field codeploy stops applying.
 *
 * - A Deployment with an HPA is rendered without `replicas`; moving a running
 *   Deployment under an autoscaler keeps its count (server-side apply alone
 *   would drop codeploy's field and the server would reset it to 1).
 * - Once autoscaled, a count set by someone else (the HPA, `kubectl scale`)
 *   survives every re-apply, also one that changes the image.
 * - Production pods with 2+ replicas carry topology spread constraints that
 *   the real API server accepts and the real scheduler places.
 */
import { describe, expect, it } from "vitest";
import { failureOf, render, runThroughEngine } from "../src/providers/kubernetes/__fixtures__/harness.js";
import type { DeploymentSpec } from "../src/spec/schema.js";
import { validateSpec } from "../src/spec/validate.js";
import { useKubeCluster } from "./helpers/kube-cluster.js";
import { at, getJson, imageOf, namespaceOf, realProvider } from "./helpers/kube-real.js";

const cluster = useKubeCluster();

const fixed: DeploymentSpec = validateSpec({
  name: "scaling",
  environment: "staging",
  target: "kubernetes",
  services: [{ name: "web", image: "acme/web:1", port: 8080, replicas: 3 }],
});
const autoscaled = (image: string): DeploymentSpec =>
  validateSpec({
    ...fixed,
    services: [{ ...fixed.services[0], image, autoscale: { min: 2, max: 6 } }],
  });

type ManagedField = { manager: string; operation: string; fieldsV1?: unknown };
const managers = (live: unknown) =>
  (at(live, "metadata", "managedFields") as ManagedField[] | undefined) ?? [];
const owns = (live: unknown, manager: string) =>
  managers(live).some(
    (m) => m.manager === manager && JSON.stringify(m.fieldsV1 ?? {}).includes('"f:replicas"'),
  );

describe("replicas of autoscaled Deployments on a real API server", () => {
  it("moving a running Deployment of 3 under an autoscaler keeps 3; a count set by kubectl scale survives a new image", {
    timeout: 240_000,
  }, async (ctx) => {
    const kube = cluster();
    if (!kube) return ctx.skip();
    const provider = realProvider(kube);
    const ns = namespaceOf(fixed);
    const web = () => getJson(kube, "deployment", "web", ns);

    expect(failureOf(await runThroughEngine(provider, fixed))).toBe("");
    expect(at(await web(), "spec", "replicas")).toBe(3);
    expect(owns(await web(), "codeploy")).toBe(true);

    const v1 = autoscaled("acme/web:1");
    expect(render(v1).kubernetes?.find((o) => o.kind === "Deployment")?.spec).not.toHaveProperty("replicas");
    const moved = await runThroughEngine(provider, v1, fixed);
    expect(failureOf(moved)).toBe("");
    // The transition: without the hand-over the real server resets the field to its default, 1.
    expect(at(await web(), "spec", "replicas")).toBe(3);
    expect(owns(await web(), "codeploy")).toBe(false);
    const logs = moved.events.flatMap((e) => (e.type === "step-log" ? [e.message] : []));
    expect(logs).toContain(`Deployment ${ns}/web: replicas (3) handed over to the autoscaler`);

    // What the HPA controller does through the scale subresource; kubectl scale uses the same.
    await kube.kubectl(["scale", "deployment", "web", "-n", ns, "--replicas=5"]);
    expect(at(await web(), "spec", "replicas")).toBe(5);
    const v2 = autoscaled("acme/web:2");
    expect(failureOf(await runThroughEngine(provider, v2, v1))).toBe("");
    expect(await imageOf(kube, "web", ns)).toBe("acme/web:2");
    expect(at(await web(), "spec", "replicas")).toBe(5);
    expect(at(await web(), "status", "updatedReplicas")).toBe(5);

    // Dropping the autoscaler hands the count back to the spec.
    const back = validateSpec({ ...fixed, services: [{ ...fixed.services[0], image: "acme/web:2" }] });
    expect(failureOf(await runThroughEngine(provider, back, v2))).toBe("");
    expect(at(await web(), "spec", "replicas")).toBe(3);
    expect(owns(await web(), "codeploy")).toBe(true);
  });

  it("a new autoscaled Deployment starts at the autoscaler's minimum and is never reset by a re-apply", {
    timeout: 240_000,
  }, async (ctx) => {
    const kube = cluster();
    if (!kube) return ctx.skip();
    const provider = realProvider(kube);
    const spec = validateSpec({ ...autoscaled("acme/web:1"), name: "fresh" });
    const ns = namespaceOf(spec);
    expect(failureOf(await runThroughEngine(provider, spec))).toBe("");
    const web = () => getJson(kube, "deployment", "web", ns);
    expect(at(await web(), "spec", "replicas")).toBe(2);
    expect(at(await web(), "status", "availableReplicas")).toBe(2);
    expect(owns(await web(), "codeploy")).toBe(false);
    expect(owns(await web(), "codeploy-replicas")).toBe(true);
    await kube.kubectl(["scale", "deployment", "web", "-n", ns, "--replicas=4"]);
    const generation = at(await web(), "metadata", "generation");
    expect(failureOf(await runThroughEngine(provider, spec))).toBe("");
    expect(at(await web(), "spec", "replicas")).toBe(4);
    expect(at(await web(), "metadata", "generation")).toBe(generation);
  });
});

describe("placement of production replicas on a real API server", () => {
  it("spreads over nodes and zones with constraints the server keeps and the scheduler meets", {
    timeout: 240_000,
  }, async (ctx) => {
    const kube = cluster();
    if (!kube) return ctx.skip();
    const spec = validateSpec({
      name: "spread",
      environment: "production",
      target: "kubernetes",
      services: [
        { name: "api", image: "acme/api:1", port: 8080, replicas: 2, healthCheck: { path: "/healthz" } },
      ],
      monitoring: { enabled: false },
    });
    const ns = namespaceOf(spec);
    expect(failureOf(await runThroughEngine(realProvider(kube), spec))).toBe("");
    const api = await getJson(kube, "deployment", "api", ns);
    const constraints = at(api, "spec", "template", "spec", "topologySpreadConstraints") as Record<
      string,
      unknown
    >[];
    expect(constraints.map((c) => [c.topologyKey, c.whenUnsatisfiable, c.matchLabelKeys])).toEqual([
      ["kubernetes.io/hostname", "DoNotSchedule", ["pod-template-hash"]],
      ["topology.kubernetes.io/zone", "ScheduleAnyway", ["pod-template-hash"]],
    ]);
    // One node (kwok): one domain, so a skew of 0 and both pods run.
    expect(at(api, "status", "availableReplicas")).toBe(2);
  });
});
