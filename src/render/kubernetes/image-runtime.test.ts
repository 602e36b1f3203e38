import { describe, expect, it } from "vitest";
import { validateSpec } from "../../spec/validate.js";
import type { RenderResult } from "../types.js";
import { all, at, containerOf, find, podOf } from "./__fixtures__/objects.js";
import { imageRepository } from "./image-runtime.js";
import { renderKubernetes } from "./index.js";

function render(services: Record<string, unknown>[]): RenderResult {
  return renderKubernetes(validateSpec({ name: "site", environment: "staging", services }), {
    secretSeed: "test",
  });
}

function pod(result: RenderResult, name: string) {
  const workload = find(result, "Deployment", name);
  if (!workload) throw new Error(`no Deployment ${name}`);
  return {
    pod: podOf(workload)?.securityContext ?? {},
    container: containerOf(workload)?.securityContext ?? {},
  };
}

const labels = (result: RenderResult) => all(result, "Namespace")[0]?.metadata.labels ?? {};
const annotation = (result: RenderResult, name: string) =>
  at(
    find(result, "Deployment", name),
    "spec",
    "template",
    "metadata",
    "annotations",
    "codeploy.dev/security-context",
  );

// Pod Security Standards: the capabilities baseline lets a container add, and what restricted allows.
const BASELINE_CAPS = new Set([
  "AUDIT_WRITE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "MKNOD",
  "NET_BIND_SERVICE",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
]);

describe("imageRepository", () => {
  it.each([
    ["nginx", "nginx"],
    ["nginx:1.27-alpine", "nginx"],
    ["docker.io/library/wordpress:6@sha256:abc", "wordpress"],
    ["docker.io/grafana/grafana:11.0.0", "grafana/grafana"],
    ["ghcr.io/acme/shop:1.0", "ghcr.io/acme/shop"],
    ["localhost:5000/web", "localhost:5000/web"],
    ["Quay.io/Keycloak/Keycloak:26", "quay.io/keycloak/keycloak"],
  ])("%s -> %s", (image, repo) => expect(imageRepository(image)).toBe(repo));
});

describe("container security by image", () => {
  it("keeps the user's own image on the restricted profile with a read-only root", () => {
    const objects = render([{ name: "api", image: "ghcr.io/acme/api:1", port: 8080 }]);
    const { pod: p, container: c } = pod(objects, "api");
    expect(p.runAsNonRoot).toBe(true);
    expect(c).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    });
    expect(c.capabilities?.add).toBeUndefined();
    expect(labels(objects)["pod-security.kubernetes.io/enforce"]).toBe("restricted");
  });

  it("lets official images that start as root start (baseline, default capabilities only, writable root)", () => {
    const objects = render([
      { name: "wordpress", image: "wordpress:6.6", port: 80 },
      { name: "api", image: "ghcr.io/acme/api:1", port: 8080 },
    ]);
    const { pod: p, container: c } = pod(objects, "wordpress");
    expect(p.runAsNonRoot).toBeUndefined();
    expect(p.seccompProfile).toEqual({ type: "RuntimeDefault" });
    expect(c.runAsNonRoot).toBeUndefined();
    expect(c.allowPrivilegeEscalation).toBe(false);
    expect(c.readOnlyRootFilesystem).toBe(false);
    expect(c.capabilities?.drop).toEqual(["ALL"]);
    expect(c.capabilities?.add).toContain("NET_BIND_SERVICE");
    for (const cap of c.capabilities?.add ?? []) expect(BASELINE_CAPS.has(cap), cap).toBe(true);
    expect(annotation(objects, "wordpress")).toMatch(/wordpress starts as root/);
    // The other service keeps every restriction in the same namespace.
    expect(pod(objects, "api").container).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true });
    expect(labels(objects)).toMatchObject({
      "pod-security.kubernetes.io/enforce": "baseline",
      "pod-security.kubernetes.io/warn": "restricted",
      "pod-security.kubernetes.io/audit": "restricted",
    });
  });

  it("gives non-root images that write their own directories a writable root, still restricted", () => {
    const objects = render([{ name: "grafana", image: "grafana/grafana:11.2.0", port: 3000 }]);
    expect(pod(objects, "grafana").container).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: false,
    });
    expect(labels(objects)["pod-security.kubernetes.io/enforce"]).toBe("restricted");
  });

  it("follows the spec over the image tables", () => {
    const objects = render([
      { name: "web", image: "nginx:1.27", port: 8080, runAsRoot: false, readOnlyRootFilesystem: true },
      { name: "legacy", image: "ghcr.io/acme/legacy:3", port: 80, runAsRoot: true },
    ]);
    expect(pod(objects, "web").container).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true });
    expect(annotation(objects, "web")).toBeUndefined();
    const legacy = pod(objects, "legacy").container;
    expect(legacy.runAsNonRoot).toBeUndefined();
    expect(legacy.readOnlyRootFilesystem).toBe(true);
    expect(labels(objects)["pod-security.kubernetes.io/enforce"]).toBe("baseline");
  });
});
