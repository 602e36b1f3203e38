/**
 * Service volumes on a real control plane (scripts/kube-up.sh): the volume
 * step applies the PersistentVolumeClaim, the real PV controller binds it
 * (to a PersistentVolume this test provides: the control plane has no
 * storage provisioner), the Deployment mounts it with the spec's command and
 * args, and the real scheduler places the pod. Removing the volume from the
 * spec detaches it and keeps the claim; an update never prunes a claim.
 */
import { describe, expect, it } from "vitest";
import { failureOf, runThroughEngine } from "../src/providers/kubernetes/__fixtures__/harness.js";
import { claimName } from "../src/render/volumes.js";
import type { DeploymentSpec } from "../src/spec/schema.js";
import { validateSpec } from "../src/spec/validate.js";
import { useKubeCluster } from "./helpers/kube-cluster.js";
import { at, getJson, namespaceOf, objectExists, realProvider } from "./helpers/kube-real.js";

const cluster = useKubeCluster();

const withVolume: DeploymentSpec = validateSpec({
  name: "files",
  environment: "staging",
  target: "kubernetes",
  services: [
    {
      name: "web",
      image: "acme/web:1",
      port: 8080,
      command: ["/bin/app"],
      args: ["--root", "/data", "$(HOME)"],
      volumes: [{ name: "data", path: "/data", sizeGb: 2 }],
    },
  ],
});
const withoutVolume: DeploymentSpec = validateSpec({
  ...withVolume,
  services: [{ ...withVolume.services[0], volumes: [] }],
});

const CLAIM = claimName({ service: "web", volume: "data" });

/** A PersistentVolume the claim can bind to (no class, like the claim when the cluster has no default). */
const persistentVolume = (name: string) =>
  JSON.stringify({
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: { name },
    spec: {
      capacity: { storage: "2Gi" },
      accessModes: ["ReadWriteOnce"],
      persistentVolumeReclaimPolicy: "Retain",
      hostPath: { path: `/tmp/${name}` },
    },
  });

describe("service volumes on a real API server", () => {
  it("binds the claim, mounts it with command and args, keeps it when the volume leaves the spec", {
    timeout: 240_000,
  }, async (ctx) => {
    const kube = cluster();
    if (!kube) return ctx.skip();
    await kube.kubectl(["apply", "-f", "-"], persistentVolume("codeploy-test-files-pv"));
    const provider = realProvider(kube);
    const ns = namespaceOf(withVolume);

    const first = await runThroughEngine(provider, withVolume);
    expect(failureOf(first)).toBe("");
    expect(first.result.steps.get("volume:web.data")?.status).toBe("succeeded");
    const claim = await getJson(kube, "pvc", CLAIM, ns);
    expect(at(claim, "spec", "accessModes")).toEqual(["ReadWriteOnce"]);
    expect(at(claim, "status", "phase")).toBe("Bound");
    const deployment = await getJson(kube, "deployment", "web", ns);
    expect(at(deployment, "spec", "strategy", "type")).toBe("Recreate");
    const pod = at(deployment, "spec", "template", "spec");
    expect(at(pod, "containers", 0, "command")).toEqual(["/bin/app"]);
    // Kept literal: the server would expand $(HOME) without the $$ escape.
    expect(at(pod, "containers", 0, "args")).toEqual(["--root", "/data", "$$(HOME)"]);
    expect(at(pod, "volumes")).toContainEqual({
      name: "vol-data",
      persistentVolumeClaim: { claimName: CLAIM },
    });
    expect(at(deployment, "status", "readyReplicas")).toBe(1);

    const detached = await runThroughEngine(provider, withoutVolume, withVolume);
    expect(failureOf(detached)).toBe("");
    expect(detached.result.steps.get("remove-volume:web.data")?.status).toBe("succeeded");
    expect(await objectExists(kube, "pvc", CLAIM, ns)).toBe(true);
    const after = await getJson(kube, "deployment", "web", ns);
    expect(JSON.stringify(at(after, "spec", "template", "spec", "volumes"))).not.toContain(CLAIM);

    const gone = await runThroughEngine(provider, withoutVolume, undefined, "destroy");
    expect(failureOf(gone)).toBe("");
    await kube.kubectl(["delete", "pv", "codeploy-test-files-pv", "--ignore-not-found", "--wait=false"]);
  });
});
