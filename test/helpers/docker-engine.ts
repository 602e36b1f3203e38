/**
 * The engine on a real podman through CODE's docker provider, as the docker
 * tests drive it: a state store in a temp folder per harness, events kept,
 * apply and destroy through the engine. `close` releases every store and folder.
 */
import { mkdtempSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DeployOptions, deploy, destroyEnvironment } from "../../src/engine/deploy.js";
import type { EngineEvent } from "../../src/engine/events.js";
import type { Provider } from "../../src/engine/provider.js";
import { createDockerProvider, type DockerProviderOptions } from "../../src/providers/docker/index.js";
import { hashArtifacts, render } from "../../src/render/index.js";
import type { DeploymentSpec } from "../../src/spec/schema.js";
import { openStateStore } from "../../src/state/index.js";
import type { StateStore } from "../../src/state/types.js";
import type { PodmanService } from "./podman.js";

export interface EngineHarness {
  readonly provider: Provider;
  readonly store: StateStore;
  readonly events: EngineEvent[];
  apply(spec: DeploymentSpec, options?: DeployOptions): ReturnType<typeof deploy>;
  destroy(app: string, environment: string): ReturnType<typeof destroyEnvironment>;
}

export function dockerEngines(pm: PodmanService | undefined, secretSeed: string) {
  const stores: StateStore[] = [];
  const dirs: string[] = [];
  return {
    async harness(options: DockerProviderOptions = {}): Promise<EngineHarness> {
      const home = mkdtempSync(join(tmpdir(), "cdp-docker-state-"));
      dirs.push(home);
      const store = await openStateStore({ home });
      stores.push(store);
      const provider = createDockerProvider({
        host: pm?.host ?? "unix:///nonexistent",
        healthTimeoutMs: 15_000,
        stopTimeoutSeconds: 1,
        pullTimeoutMs: 10_000,
        ...options,
      });
      const events: EngineEvent[] = [];
      const deps = {
        store,
        providerFor: () => provider,
        render: (spec: DeploymentSpec) => render(spec, { secretSeed }),
        hashArtifacts,
      };
      const onEvent = (e: EngineEvent) => events.push(e);
      return {
        provider,
        store,
        events,
        apply: (spec, o = {}) => deploy({ spec, actor: "test" }, deps, { onEvent, ...o }),
        destroy: (app, environment) =>
          destroyEnvironment({ app, environment, actor: "test" }, deps, { onEvent }),
      };
    },
    async close(): Promise<void> {
      for (const s of stores.splice(0)) await s.close();
      for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
    },
  };
}
