import { describe, expect, it } from "vitest";
import { dockerProviderOptions, parseDockerSettings } from "./settings.js";

describe("providers.docker settings", () => {
  it("turns the config section, the environment and --purge-data into provider options", () => {
    const options = dockerProviderOptions(
      {
        host: "unix:///from/config.sock",
        publishHost: "0.0.0.0",
        pullTimeoutSeconds: 60,
        stopTimeoutSeconds: 0,
      },
      { DOCKER_HOST: "unix:///from/env.sock", XDG_RUNTIME_DIR: "/run/user/1000" },
      { purgeData: true },
    );
    expect(options).toEqual({
      host: "unix:///from/env.sock",
      xdgRuntimeDir: "/run/user/1000",
      publishHost: "0.0.0.0",
      pullTimeoutMs: 60_000,
      stopTimeoutSeconds: 0,
      purgeData: true,
    });
    expect(dockerProviderOptions(undefined, {})).toEqual({});
  });

  it("reports a typo with its path", () => {
    expect(() => parseDockerSettings({ pullTimeoutSecs: 5 })).toThrow(/providers\.docker: .*pullTimeoutSecs/);
    expect(() => parseDockerSettings({ healthTimeoutSeconds: 0 })).toThrow(
      /providers\.docker\.healthTimeoutSeconds/,
    );
  });
});
