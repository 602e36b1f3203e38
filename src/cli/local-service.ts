/**
 * The local service as the CLI wires it: the store in CODEPLOY_HOME (or
 * DATABASE_URL), codeploy.yaml's policy, providers and secrets, the words
 * interpreter it configures, and the person at the terminal as the actor.
 * The renderers, the review, the policy rules, the providers and the words
 * interpreter are imported on first use: `status` and `history` never load
 * them, nor does `plan FILE` the providers or the interpreter (issue 26).
 */
import { gitopsTarget } from "../gitops/settings.js";
import { hashArtifacts } from "../render/hash.js";
import { createLocalService, localCaller } from "../service/local.js";
import type { CodeService } from "../service/types.js";
import type { CliIo } from "./io.js";
import { secretSeed } from "./secret-seed.js";
import type { LocalFlags } from "./service.js";
import { actorOf, homeOf, knownProvider, openStore } from "./session.js";
import { loadCliConfig, renderSettings, secretAccess } from "./settings.js";

export async function openLocalService(
  io: CliIo,
  flags: LocalFlags,
): Promise<{ service: CodeService; close: () => Promise<void> }> {
  const config = await loadCliConfig(io, flags.config);
  const store = await openStore(io, config);
  try {
    const seed = await secretSeed(io);
    const policy = once(async () => (await import("./policy-settings.js")).policySettings(config));
    const renderer = once(() => import("../render/index.js"));
    const reviewer = once(async () => {
      const [{ reviewWithRego }, { planToJson }] = await Promise.all([
        import("../review/edge.js"),
        import("../review/index.js"),
      ]);
      return { reviewWithRego, planToJson };
    });
    const cluster = renderSettings(config);
    // Made with the first provider; a docker or terraform section of codeploy.yaml is still
    // checked here, so a bad one fails every command as before.
    const settings = once(async () =>
      (await import("./provider-settings.js")).providerSettings(io, config, {
        ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}),
        ...(flags.context ? { context: flags.context } : {}),
        ...(flags.namespace ? { namespace: flags.namespace } : {}),
        ...(flags.purgeData ? { purgeData: true } : {}),
        ...(flags.chartRoot ? { chartRoot: flags.chartRoot } : {}),
      }),
    );
    if (config.providers.docker !== undefined || config.providers.terraform !== undefined) await settings();
    const gitops = gitopsTarget(config.gitops, {
      env: io.env,
      home: homeOf(io, config),
      baseDir: config.baseDir,
    });
    const service = createLocalService(
      {
        store,
        interpret: async (text, options) =>
          (await import("./interpret-words.js")).interpretWords(
            io,
            text,
            flags.config ? { config: flags.config } : {},
            options,
          ),
        review: async (spec, current) => {
          const { reviewWithRego, planToJson } = await reviewer();
          return planToJson(
            await reviewWithRego(spec, {
              ...(current ? { current } : {}),
              ...(await policy()),
              render: { ...cluster, secretSeed: seed },
            }),
          );
        },
        // Named by the request or recorded with what runs, when this version knows it; else the spec's target.
        provider: async (spec, name) =>
          (await import("../providers/index.js")).createProvider(
            knownProvider(name) ?? spec.target,
            await settings(),
          ),
        render: async (spec, secrets) =>
          (await renderer()).render(spec, { ...cluster, secretSeed: seed, secrets }),
        hashArtifacts,
        secrets: secretAccess(io, config),
        surface: "cli",
        recordAudit: true,
        experts: {
          config: config.experts,
          env: io.env,
          clientOptions: { maxRetries: config.llm.maxRetries },
          ceilings: false,
        },
        video: { config: config.video, env: io.env, home: homeOf(io, config), cwd: io.cwd },
        drift: config.drift,
        ...(gitops ? { gitops } : {}),
      },
      localCaller(actorOf(io)),
    );
    return { service, close: () => store.close() };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** The promise of `load()`, started on the first call. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load();
    return loaded;
  };
}
