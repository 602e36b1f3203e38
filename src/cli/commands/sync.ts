/** `codeploy sync`: the report of one pass over a repository's specs; exit 1 when any was refused or failed. */
import { repoAccess } from "../../gitops/index.js";
import { syncRepository } from "../../service/sync.js";
import type { CodeService } from "../../service/types.js";
import { confirm } from "../confirm.js";
import type { CommandContext } from "../context.js";
import { EXIT_OK, EXIT_REFUSED } from "../exit.js";
import { printJson } from "../io.js";
import { homeOf } from "../session.js";
import { loadCliConfig } from "../settings.js";
import type { SyncFlags } from "./sync-register.js";

export async function syncCommand(
  ctx: CommandContext,
  service: CodeService,
  flags: SyncFlags,
): Promise<number> {
  const { io } = ctx;
  const config = await loadCliConfig(io, ctx.configOf());
  const access = repoAccess(flags.repo, config.gitops, {
    env: io.env,
    home: homeOf(io, config),
    baseDir: io.cwd,
  });
  const answer = await syncRepository(
    {
      service,
      access,
      autoSync: config.gitops.autoSync,
      // A terminal asks as `apply` does (the app's name for production); without one, nobody is asked.
      ...(io.isTty
        ? {
            confirm: (change) =>
              confirm(io, {
                what: change.confirm.what,
                ...(change.confirm.typeToConfirm ? { typeToConfirm: change.confirm.typeToConfirm } : {}),
              }),
          }
        : {}),
      hooks: () => ({ onNote: (note) => io.stderr(`${note}\n`) }),
    },
    {
      repo: flags.repo,
      ...(flags.ref ? { ref: flags.ref } : {}),
      ...(flags.path ? { path: flags.path } : {}),
      ...(flags.dryRun ? { dryRun: true } : {}),
      ...(flags.yes ? { yes: true } : {}),
      ...(flags.provider ? { provider: flags.provider } : {}),
    },
  );
  const bad = answer.items.some((i) => i.outcome === "refused" || i.outcome === "failed");
  if (flags.json) {
    printJson(io, answer);
    return bad ? EXIT_REFUSED : EXIT_OK;
  }
  io.stdout(`sync ${answer.repo}@${answer.ref} (commit ${answer.commit.slice(0, 12)})\n`);
  for (const i of answer.items) {
    const what = i.app ? `${i.app}/${i.environment}` : "-";
    const extra =
      i.outcome === "planned"
        ? `${i.changes ?? 0} step(s) to run`
        : i.outcome === "applied"
          ? `revision ${i.revision}, deployment ${i.deployment}`
          : (i.reason ?? "");
    io.stdout(`  ${i.outcome.padEnd(9)} ${what.padEnd(28)} ${i.file}${extra ? `  ${extra}` : ""}\n`);
  }
  return bad ? EXIT_REFUSED : EXIT_OK;
}
