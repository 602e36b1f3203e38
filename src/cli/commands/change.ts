/** rollback and destroy: changes to what runs, confirmed, with live progress. */

import { currentSpec, type DeployOutcome, destroyEnvironment, rollbackTo } from "../../engine/deploy.js";
import { buildDestroyPlan } from "../../plan/build.js";
import type { ProviderName } from "../../providers/index.js";
import type { DeploymentSpec } from "../../spec/schema.js";
import { confirm } from "../confirm.js";
import { EXIT_OK, EXIT_REFUSED } from "../exit.js";
import type { CliIo } from "../io.js";
import { createProgress } from "../progress.js";
import { actorOf, deployDeps, openStore } from "../session.js";
import { loadCliConfig } from "../settings.js";
import { withInterrupts } from "../signals.js";

export interface ChangeFlags {
  readonly env: string;
  readonly yes?: boolean;
  readonly json?: boolean;
  readonly wait?: boolean;
  readonly provider?: ProviderName;
  readonly config?: string;
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

export async function rollbackCommand(
  io: CliIo,
  app: string,
  flags: ChangeFlags & { to?: number },
): Promise<number> {
  const config = await loadCliConfig(io, flags.config);
  const store = await openStore(io, config);
  try {
    const what = `roll back ${app}/${flags.env}${flags.to ? ` to revision ${flags.to}` : " to the previous revision"}`;
    const typeToConfirm = flags.env === "production" ? app : undefined;
    if (
      !(await confirm(io, {
        ...(flags.yes ? { yes: true } : {}),
        what,
        ...(typeToConfirm ? { typeToConfirm } : {}),
      }))
    ) {
      io.stderr("cancelled: nothing was changed\n");
      return EXIT_REFUSED;
    }
    const deps = await deployDeps(io, store, config, flags.provider);
    let progress: ReturnType<typeof createProgress> | undefined;
    const out = await withInterrupts(io, (signal) =>
      rollbackTo(
        {
          app,
          environment: flags.env,
          actor: actorOf(io),
          ...(flags.to !== undefined ? { toRevision: flags.to } : {}),
          ...(flags.wait ? { waitForLock: true } : {}),
        },
        deps,
        {
          signal,
          onStart: (_d, plan) => {
            progress = createProgress(io, mode(io, flags), plan.steps);
          },
          onEvent: (e) => progress?.onEvent(e),
        },
      ),
    );
    progress?.done();
    return report(io, flags, out, "rollback");
  } finally {
    await store.close();
  }
}

export async function destroyCommand(io: CliIo, app: string, flags: ChangeFlags): Promise<number> {
  const config = await loadCliConfig(io, flags.config);
  const store = await openStore(io, config);
  try {
    const running: DeploymentSpec | undefined = await currentSpec(store, app, flags.env);
    if (running && !flags.json) {
      const plan = buildDestroyPlan(running);
      io.stdout(
        `Destroy ${app}/${flags.env}: ${plan.steps.length} step(s)\n${plan.steps.map((s) => `  - ${s.description}`).join("\n")}\n`,
      );
    }
    if (
      !(await confirm(io, {
        ...(flags.yes ? { yes: true } : {}),
        what: `destroy ${app}/${flags.env}`,
        typeToConfirm: app,
      }))
    ) {
      io.stderr("cancelled: nothing was changed\n");
      return EXIT_REFUSED;
    }
    const deps = await deployDeps(io, store, config, flags.provider);
    let progress: ReturnType<typeof createProgress> | undefined;
    const out = await withInterrupts(io, (signal) =>
      destroyEnvironment(
        { app, environment: flags.env, actor: actorOf(io), ...(flags.wait ? { waitForLock: true } : {}) },
        deps,
        {
          signal,
          onStart: (_d, plan) => {
            progress = createProgress(io, mode(io, flags), plan.steps);
          },
          onEvent: (e) => progress?.onEvent(e),
        },
      ),
    );
    progress?.done();
    return report(io, flags, out, "destroy");
  } finally {
    await store.close();
  }
}

const mode = (io: CliIo, flags: ChangeFlags) =>
  (flags.json ? "json" : io.isTty ? "tty" : "plain") as "json" | "tty" | "plain";
