/**
 * The CLI against a server (`--server URL`, `--token T` or CODEPLOY_SERVER /
 * CODEPLOY_TOKEN): the same commands, run by `codeploy serve` instead of
 * locally. Words are sent as words (the server interprets them); spec files
 * are read here and sent as specs. Changes follow the deployment's events.
 */
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { stringify } from "yaml";
import { UsageError } from "../../core/errors.js";
import type { ApiClient, PlanView, StreamItem } from "../../server/client.js";
import { TARGETS, type Target } from "../../spec/schema.js";
import { parseDocument } from "../../spec/validate.js";
import { confirm } from "../confirm.js";
import { EXIT_OK, EXIT_REFUSED } from "../exit.js";
import { type CliIo, printJson, readTextFile } from "../io.js";

export interface RemoteTarget {
  readonly url: string;
  readonly token?: string;
}

/** The server to use, from flags or environment; undefined means: run locally. */
export function remoteTarget(
  io: CliIo,
  flags: { server?: string; token?: string },
): RemoteTarget | undefined {
  const url = flags.server ?? io.env.CODEPLOY_SERVER;
  if (!url) return undefined;
  if (!/^https?:\/\//.test(url)) {
    throw new UsageError(`--server ${url} is not an http(s) URL`, {
      hint: "for example http://127.0.0.1:8080",
    });
  }
  const token = flags.token ?? io.env.CODEPLOY_TOKEN;
  const host = new URL(url).hostname;
  if (token && url.startsWith("http://") && !["127.0.0.1", "localhost", "[::1]"].includes(host)) {
    io.stderr(`warning: sending the token to ${host} over plain HTTP; use https\n`);
  }
  return { url, ...(token ? { token } : {}) };
}

export async function clientFor(target: RemoteTarget): Promise<ApiClient> {
  const { createApiClient } = await import("../../server/client.js");
  return createApiClient({ baseUrl: target.url, ...(target.token ? { token: target.token } : {}) });
}

/** A spec file is read and sent as a spec; anything else is sent as words. */
async function specOrText(
  io: CliIo,
  input: string,
): Promise<{ spec: Record<string, unknown> } | { text: string }> {
  const path = resolve(io.cwd, input);
  if (!(existsSync(path) && statSync(path).isFile())) return { text: input };
  const value = parseDocument(await readTextFile(path, input), input);
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new UsageError(`${input} does not hold a spec object`, { hint: "see `codeploy schema`" });
  }
  return { spec: { ...value } };
}

export async function remoteInterpretCommand(
  io: CliIo,
  target: RemoteTarget,
  text: string,
  flags: { base?: string; json?: boolean },
): Promise<number> {
  const base = flags.base ? await specOrText(io, flags.base) : undefined;
  const result = await (await clientFor(target)).interpret({
    text,
    ...(base && "spec" in base ? { base: base.spec } : {}),
  });
  if (flags.json) printJson(io, result);
  else
    io.stdout(`# action: ${result.action} (interpreter: ${result.interpreter})\n${stringify(result.spec)}`);
  return EXIT_OK;
}

export function formatRemotePlan(plan: PlanView): string {
  const out = [`Plan for ${plan.app} in ${plan.environment} (${plan.target}): ${plan.steps.length} steps`];
  plan.levels.forEach((level, i) => {
    out.push(`  stage ${i + 1}: ${level.join(", ")}`);
  });
  out.push(`Cost estimate: $${plan.cost.monthlyUsd.toFixed(2)} per month`);
  for (const f of plan.findings) out.push(`  ${f.severity.toUpperCase()} ${f.id} ${f.path}: ${f.message}`);
  return `${out.join("\n")}\n`;
}

export async function remotePlanCommand(
  io: CliIo,
  target: RemoteTarget,
  input: string,
  flags: { target?: string; json?: boolean; acceptRisk?: boolean },
): Promise<number> {
  const plan = await (await clientFor(target)).plan({ ...(await specOrText(io, input)), ...targetOf(flags) });
  if (flags.json) printJson(io, plan);
  else io.stdout(formatRemotePlan(plan));
  return plan.approved || flags.acceptRisk ? EXIT_OK : EXIT_REFUSED;
}

function targetOf(flags: { target?: string }): { target?: Target } {
  const target = TARGETS.find((t) => t === flags.target);
  return target ? { target } : {};
}

export interface RemoteApplyFlags {
  readonly target?: string;
  readonly yes?: boolean;
  readonly json?: boolean;
  readonly acceptRisk?: boolean;
  readonly acceptAssumptions?: boolean;
  readonly onFailure?: "rollback" | "stop";
  readonly adopt?: boolean;
}

export async function remoteApplyCommand(
  io: CliIo,
  target: RemoteTarget,
  input: string,
  flags: RemoteApplyFlags,
): Promise<number> {
  const client = await clientFor(target);
  const body = { ...(await specOrText(io, input)), ...targetOf(flags) };
  const plan = await client.plan(body);
  if (!flags.json) io.stdout(formatRemotePlan(plan));
  if (!plan.approved && !flags.acceptRisk) {
    io.stderr("refused: the plan has policy errors (fix them, or pass --accept-risk)\n");
    return EXIT_REFUSED;
  }
  const what = `apply ${plan.app} to ${plan.environment} on ${target.url}`;
  const typeToConfirm = plan.environment === "production" ? plan.app : undefined;
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
  const accepted = await client.deploy({
    ...body,
    ...(flags.acceptRisk ? { acceptRisk: true } : {}),
    ...(flags.acceptAssumptions ? { acceptAssumptions: true } : {}),
    ...(flags.onFailure ? { onFailure: flags.onFailure } : {}),
    ...(flags.adopt ? { adopt: true } : {}),
  });
  return follow(io, client, accepted.id, flags.json === true);
}

/** Prints the deployment's events until it ends; exit 0 only when it succeeded. */
export async function follow(io: CliIo, client: ApiClient, id: string, json: boolean): Promise<number> {
  let last: StreamItem | undefined;
  for await (const item of client.events(id)) {
    last = item;
    if (json)
      io.stdout(
        `${JSON.stringify(item.kind === "event" ? item.event : { type: "end", ...item.deployment })}\n`,
      );
    else if (item.kind === "event" && item.event.step) {
      io.stdout(
        `  ${item.event.type.replace(/^step-/, "").padEnd(12)} ${item.event.step}${item.event.message ? `: ${item.event.message}` : ""}\n`,
      );
    }
  }
  const d = last?.kind === "end" ? last.deployment : await client.deployment(id);
  if (!json) {
    io.stdout(
      `\n${d.app}/${d.environment}: ${d.action} ${d.outcome ?? d.state} (revision ${d.revision}, deployment ${d.id})\n`,
    );
    if (d.error) io.stdout(`  error: ${d.error}\n`);
  }
  return d.outcome === "succeeded" ? EXIT_OK : EXIT_REFUSED;
}

export async function remoteStatusCommand(
  io: CliIo,
  target: RemoteTarget,
  app: string | undefined,
  flags: { env?: string; json?: boolean },
): Promise<number> {
  const client = await clientFor(target);
  if (app && flags.env) {
    const status = await client.environment(app, flags.env);
    if (flags.json) printJson(io, status);
    else {
      const d = status.lastDeployment;
      io.stdout(
        `${status.app}/${status.environment}: ${status.currentRevision !== undefined ? `revision ${status.currentRevision} running` : "not running"}; ${d ? `last ${d.action} #${d.number} ${d.state}` : "no deployment"}\n`,
      );
      for (const e of status.endpoints) io.stdout(`  endpoint: ${e}\n`);
    }
    return EXIT_OK;
  }
  const { apps } = await client.apps();
  const shown = apps.filter((a) => app === undefined || a.app === app);
  if (flags.json) printJson(io, { apps: shown });
  else if (shown.length === 0) io.stdout("nothing deployed yet\n");
  for (const a of flags.json ? [] : shown) {
    for (const e of a.environments.filter((x) => !flags.env || x.environment === flags.env)) {
      io.stdout(
        `${a.app}/${e.environment}: ${e.currentRevision !== undefined ? `revision ${e.currentRevision}` : "not running"}${e.state ? `; last deployment ${e.state}` : ""}\n`,
      );
    }
  }
  return EXIT_OK;
}

export async function remoteHistoryCommand(
  io: CliIo,
  target: RemoteTarget,
  app: string,
  flags: { env?: string; json?: boolean },
): Promise<number> {
  const client = await clientFor(target);
  const envs = flags.env
    ? [flags.env]
    : ((await client.apps()).apps.find((a) => a.app === app)?.environments.map((e) => e.environment) ?? []);
  const histories = await Promise.all(envs.map((e) => client.history(app, e)));
  const deployments = histories
    .flatMap((h) => h.deployments)
    .sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1));
  if (flags.json) printJson(io, { deployments, revisions: histories.flatMap((h) => h.revisions) });
  else if (deployments.length === 0) io.stdout(`${app}: no history\n`);
  for (const d of flags.json ? [] : deployments) {
    io.stdout(
      `${d.startedAt}  ${d.environment.padEnd(12)} #${String(d.number).padEnd(4)} ${d.action.padEnd(8)} rev ${String(d.revision).padEnd(4)} ${d.state.padEnd(12)} by ${d.actor}\n`,
    );
  }
  return EXIT_OK;
}

export async function remoteChangeCommand(
  io: CliIo,
  target: RemoteTarget,
  change: "rollback" | "destroy",
  app: string,
  flags: { env: string; to?: number; yes?: boolean; json?: boolean },
): Promise<number> {
  const what = `${change} ${app}/${flags.env} on ${target.url}`;
  const typeToConfirm = change === "destroy" || flags.env === "production" ? app : undefined;
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
  const client = await clientFor(target);
  const accepted =
    change === "rollback"
      ? await client.rollback(app, flags.env, flags.to)
      : await client.destroy(app, flags.env);
  return follow(io, client, accepted.id, flags.json === true);
}

export async function remoteUnlockCommand(
  io: CliIo,
  target: RemoteTarget,
  app: string,
  env: string,
  force = false,
) {
  const { freed, lock } = await (await clientFor(target)).unlock(app, env, force);
  const { printUnlock } = await import("./state.js");
  return printUnlock(io, `${app}/${env}`, freed, lock);
}

export async function remoteAuditVerifyCommand(
  io: CliIo,
  target: RemoteTarget,
  flags: { json?: boolean; head?: string },
) {
  const { printAuditVerification } = await import("./state.js");
  const options = flags.head !== undefined ? { head: flags.head } : {};
  return printAuditVerification(io, await (await clientFor(target)).verifyAudit(options), flags);
}

export async function remoteAuditHeadCommand(io: CliIo, target: RemoteTarget, flags: { json?: boolean }) {
  const { printAuditHead } = await import("./state.js");
  return printAuditHead(io, await (await clientFor(target)).auditHead(), flags);
}

export async function remoteAuditListCommand(
  io: CliIo,
  target: RemoteTarget,
  flags: { json?: boolean; limit?: number },
) {
  const { records } = await (await clientFor(target)).listAudit({ limit: flags.limit ?? 50 });
  const { printAuditRecords } = await import("./state.js");
  return printAuditRecords(io, records, flags);
}
