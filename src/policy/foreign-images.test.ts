/** Image rules on Kubernetes workloads handed in that CODE did not render (no managed-by: codeploy label). */
import { describe, expect, it } from "vitest";
import { container, deployment, kube } from "./__fixtures__/artifacts.js";
import { env, prod } from "./__fixtures__/specs.js";
import { mutableImage } from "./rules/reliability.js";
import { imageDigest } from "./rules/security.js";
import { runPolicy } from "./run.js";

function foreign(image: string) {
  const d = deployment("web", {}, [container({ image })]);
  return kube({ ...d, metadata: { name: "web", labels: { app: "web" } } });
}

describe("image rules on foreign manifests", () => {
  it("CODE-REL-006 reports :latest and untagged images, an error in production", () => {
    for (const image of ["ghcr.io/acme/web:latest", "ghcr.io/acme/web"]) {
      const [finding, ...rest] = runPolicy({ spec: prod(), artifacts: foreign(image) }, [mutableImage]);
      expect(rest).toEqual([]);
      expect(finding).toMatchObject({ id: "CODE-REL-006", severity: "error" });
      expect(finding?.path).toMatch(/containers\[0\]\.image$/);
    }
    expect(runPolicy({ spec: env("dev"), artifacts: foreign("x:latest") }, [mutableImage])[0]?.severity).toBe(
      "warning",
    );
    expect(runPolicy({ spec: prod(), artifacts: foreign("ghcr.io/acme/web:1.2.3") }, [mutableImage])).toEqual(
      [],
    );
  });

  it("CODE-SEC-018 reports tags without a digest in production, and leaves CODE's own objects to the spec", () => {
    expect(
      runPolicy({ spec: prod(), artifacts: foreign("ghcr.io/acme/web:1.2.3") }, [imageDigest]),
    ).toHaveLength(1);
    expect(
      runPolicy({ spec: prod(), artifacts: foreign(`ghcr.io/acme/web:1.2.3@sha256:${"a".repeat(64)}`) }, [
        imageDigest,
      ]),
    ).toEqual([]);
    expect(runPolicy({ spec: prod(), artifacts: kube(deployment()) }, [imageDigest])).toEqual([]);
  });
});
