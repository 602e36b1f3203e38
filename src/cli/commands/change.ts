/** rollback and destroy: changes to what runs, confirmed, with live progress. */
import {
  currentSpec,
  type DeployDeps,
  type DeployOptions,
  type DeployOutcome,
  destroyEnvironment,
  rollbackTo,
} from "../../engine/deploy.js";
import { buildDestroyPlan } from "../../plan/build.js";
import type { ProviderName } from "../../providers/index.js";
import type { StateStore } from "../../state/types.js";
import { confirm } from "../confirm.js";
import { EXIT_OK, EXIT_REFUSED } from "../exit.js";
import type { CliIo } from "../io.js";
import { createProgress, type Progress } from "../progress.js";
import { actorOf, deployDeps, openStore } from "../session.js";
import { loadCliConfig } from "../settings.js";
import { withInterrupts } from "../signals.js";

export interface ChangeFlags {
  readonly env: string;
  readonly yes?: boolean;
  readonly json?: boolean;
  readonly wait?: boolean;
  readonly provider?: ProviderName;
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly namespace?: string;
  readonly config?: string;
  readonly purgeData?: boolean;
}

function report(io: CliIo, flags: ChangeFlags, out: DeployOutcome, verb: string): number {
  const d = out.deployment;
  if (!flags.json) {
    io.stdout(
      `\n${d.app}/${d.environment}: ${verb} ${d.outcome} (revision ${d.revision}, deployment ${d.id})\n`,
    );
    if (d.error) io.stdout(`  error: ${d.error}\n`);
  }
  return d.outcome === "succeeded" ? EXIT_OK : EXIT_REFUSED;
}

type Runner = (deps: DeployDeps, options: DeployOptions, actor: string) => Promise<DeployOutcome>;

/** Confirm, then run the change with live progress and Ctrl-C handling, and report it. */
async function runChange(
  io: CliIo,
  flags: ChangeFlags,
  verb: "rollback" | "destroy",
  prepare: (store: StateStore) => Promise<{ what: string; typeToConfirm?: string }>,
  runner: Runner,
): Promise<number> {
  const config = await loadCliConfig(io, flags.config);
  const store = await openStore(io, config);
  try {
    const { what, typeToConfirm } = await prepare(store);
    const confirmed = await confirm(io, {
      ...(flags.yes ? { yes: true } : {}),
      what,
      ...(typeToConfirm ? { typeToConfirm } : {}),
    });
    if (!confirmed) {
      io.stderr("cancelled: nothing was changed\n");
      return EXIT_REFUSED;
    }
    const deps = await deployDeps(io, store, config, flags);
    let progress: Progress | undefined;
    const mode = flags.json ? "json" : io.isTty ? "tty" : "plain";
    const out = await withInterrupts(io, (signal) =>
      runner(
        deps,
        {
          signal,
          onStart: (_d, plan) => {
            progress = createProgress(io, mode, plan.steps);
          },
          onEvent: (e) => progress?.onEvent(e),
        },
        actorOf(io),
      ),
    );
    progress?.done();
    return report(io, flags, out, verb);
  } finally {
    await store.close();
  }
}

export async function rollbackCommand(
  io: CliIo,
  app: string,
  flags: ChangeFlags & { to?: number },
): Promise<number> {
  const to = flags.to !== undefined ? ` to revision ${flags.to}` : " to the previous revision";
  return runChange(
    io,
    flags,
    "rollback",
    async () => ({
      what: `roll back ${app}/${flags.env}${to}`,
      ...(flags.env === "production" ? { typeToConfirm: app } : {}),
    }),
    (deps, options, actor) =>
      rollbackTo(
        {
          app,
          environment: flags.env,
          actor,
          ...(flags.to !== undefined ? { toRevision: flags.to } : {}),
          ...(flags.wait ? { waitForLock: true } : {}),
        },
        deps,
        options,
      ),
  );
}

export async function destroyCommand(io: CliIo, app: string, flags: ChangeFlags): Promise<number> {
  return runChange(
    io,
    flags,
    "destroy",
    async (store) => {
      const running = await currentSpec(store, app, flags.env);
      if (running && !flags.json) {
        const steps = buildDestroyPlan(running).steps;
        io.stdout(
          `Destroy ${app}/${flags.env}: ${steps.length} step(s)\n${steps.map((s) => `  - ${s.description}`).join("\n")}\n`,
        );
      }
      return { what: `destroy ${app}/${flags.env}`, typeToConfirm: app };
    },
    (deps, options, actor) =>
      destroyEnvironment(
        { app, environment: flags.env, actor, ...(flags.wait ? { waitForLock: true } : {}) },
        deps,
        options,
      ),
  );
}
