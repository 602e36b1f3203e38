import { describe, expect, it } from "vitest";
import type { ObservedResource } from "../../engine/provider.js";
import { validateSpec } from "../../spec/validate.js";
import { checkObserved, endpointsOf } from "./observe.js";

const spec = validateSpec({
  name: "shop",
  services: [{ name: "web", image: "acme/web:2", port: 8080, replicas: 2 }],
  caches: [{ name: "cache", engine: "redis", version: "7" }],
});

function container(
  name: string,
  service: string,
  image: string,
  extra: Record<string, unknown> = {},
): ObservedResource {
  return { kind: "container", name, status: "running", details: { service, image, ...extra } };
}

const matching: ObservedResource[] = [
  container("codeploy-shop-dev-web-0", "web", "acme/web:2", { endpoint: "http://127.0.0.1:8080" }),
  container("codeploy-shop-dev-web-1", "web", "acme/web:2", { endpoint: "http://127.0.0.1:8081" }),
  container("codeploy-shop-dev-cache-0", "cache", "docker.io/library/redis:7"),
  { kind: "network", name: "codeploy-shop-dev", status: "running" },
];

describe("checkObserved", () => {
  it("finds nothing to say when replicas, images and ports match (docker.io/library/ is the same image)", () => {
    expect(checkObserved(spec, matching)).toEqual([]);
  });

  it("names missing replicas, other images, unpublished ports and missing data services", () => {
    const drifted = [
      container("codeploy-shop-dev-web-0", "web", "acme/web:1"),
      { ...container("codeploy-shop-dev-web-1", "web", "acme/web:2"), status: "stopped" as const },
    ];
    expect(checkObserved(spec, drifted)).toEqual([
      "web: 1 of 2 replica(s) running",
      "web: codeploy-shop-dev-web-0 runs acme/web:1, not acme/web:2",
      "web: a replica publishes no port",
      "cache: 0 of 1 container(s) running",
    ]);
  });
});

describe("endpointsOf", () => {
  it("groups the running containers' endpoints by service", () => {
    expect(endpointsOf(matching)).toEqual({ web: ["http://127.0.0.1:8080", "http://127.0.0.1:8081"] });
  });
});
