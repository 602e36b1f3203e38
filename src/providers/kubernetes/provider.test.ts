/**
 * The provider's behaviour against a cluster is tested on a real control
 * plane (test/kube-real*.test.ts); the faults a real server does not produce
 * on demand, against the fake (errors.test.ts). Here: what needs no server.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { contextFor, NS, providerFor, stepOf, v1, v2 } from "./__fixtures__/harness.js";

/** A kubeconfig whose server refuses every connection: any call to the cluster would fail the test. */
function unreachableKubeconfig(): string {
  const path = join(mkdtempSync(join(tmpdir(), "codeploy-kubeconfig-")), "config");
  writeFileSync(
    path,
    [
      "apiVersion: v1",
      "kind: Config",
      "clusters: [{ name: none, cluster: { server: 'https://127.0.0.1:1' } }]",
      "users: [{ name: none, user: { token: none } }]",
      "contexts: [{ name: fake, context: { cluster: none, user: none } }]",
      "current-context: fake",
    ].join("\n"),
  );
  return path;
}

describe("kubernetes provider: plan", () => {
  it("says what each step will do without calling the cluster", async () => {
    const provider = providerFor(unreachableKubeconfig());
    const lines = await provider.plan?.(stepOf(v1, "service:web"), contextFor(v1));
    expect(lines).toContain(`server-side apply Deployment ${NS}/web (field manager codeploy)`);
    expect(lines).toContain(`wait until Deployment ${NS}/web is ready`);
    const update = await provider.plan?.(stepOf(v2, "service:web", v1), contextFor(v2));
    expect(update).toContain(`server-side apply Deployment ${NS}/web (field manager codeploy)`);
    const network = await provider.plan?.(stepOf(v1, "network"), contextFor(v1));
    expect(network?.[0]).toBe(`server-side apply Namespace ${NS} (field manager codeploy)`);
  });
});
