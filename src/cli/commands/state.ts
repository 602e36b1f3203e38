/** Read-only views and the lock: status, history, audit, unlock; printed from the service's answers. */
import type {
  AuditLine,
  CodeService,
  EnvironmentView,
  ObservedWorkload,
  UnlockAnswer,
} from "../../service/types.js";
import { EXIT_OK, EXIT_REFUSED } from "../exit.js";
import { type CliIo, printJson } from "../io.js";

interface Common {
  readonly env?: string;
  readonly json?: boolean;
}

export async function statusCommand(
  io: CliIo,
  service: Pick<CodeService, "status">,
  app: string | undefined,
  flags: Common,
): Promise<number> {
  // One named app: also ask the provider that deployed it what runs now.
  const { environments: rows } = await service.status({
    ...(app ? { app } : {}),
    ...(flags.env ? { environment: flags.env } : {}),
    ...(app ? { live: true } : {}),
  });
  if (flags.json) {
    printJson(io, { environments: rows });
    return EXIT_OK;
  }
  if (rows.length === 0) {
    io.stdout(
      app ? `${app}: nothing deployed${flags.env ? ` in ${flags.env}` : ""}\n` : "nothing deployed yet\n",
    );
    return EXIT_OK;
  }
  for (const r of rows) printEnvironment(io, r);
  return EXIT_OK;
}

function printEnvironment(io: CliIo, r: EnvironmentView): void {
  const d = r.lastDeployment;
  const last = d
    ? `last ${d.action} #${d.number} (revision ${d.revision}) ${d.state}${d.finishedAt ? ` at ${d.finishedAt}` : ` since ${d.startedAt}`}`
    : r.queued !== undefined
      ? "first deployment queued"
      : "no deployment";
  const running = r.currentRevision !== undefined ? `revision ${r.currentRevision} running` : "not running";
  io.stdout(`${r.app}/${r.environment}: ${running}; ${last}\n`);
  if (d?.state === "interrupted") {
    io.stdout(
      `  interrupted: its process stopped mid-way; re-run \`codeploy apply\` with the same spec to converge, or \`codeploy rollback ${r.app} --env ${r.environment}\`\n`,
    );
  }
  if (d?.error) io.stdout(`  error: ${d.error}\n`);
  if (r.queued !== undefined) io.stdout(`  queued: ${r.queued} waiting for a worker\n`);
  const byService = r.serviceEndpoints ?? {};
  for (const [service, urls] of Object.entries(byService)) io.stdout(`  ${service}: ${urls.join(", ")}\n`);
  const shown = new Set(Object.values(byService).flat());
  for (const url of r.endpoints.filter((u) => !shown.has(u))) io.stdout(`  endpoint: ${url}\n`);
  for (const w of r.workloads ?? []) io.stdout(`  ${describeWorkload(w)}\n`);
  for (const problem of r.problems ?? []) io.stdout(`  drift: ${problem}\n`);
  if (r.observeError) io.stdout(`  could not check what runs: ${r.observeError}\n`);
  if (r.lock)
    io.stdout(
      `  locked by ${r.lock.actor} since ${r.lock.acquiredAt}${r.lock.expired ? " (expired)" : ""}\n`,
    );
}

/** `Deployment web: running (2 of 2 ready)` */
function describeWorkload(w: ObservedWorkload): string {
  const ready = w.ready !== undefined ? ` (${w.ready} of ${String(w.desired)} ready)` : "";
  return `${w.kind} ${w.name}: ${w.status}${ready}`;
}

export async function historyCommand(
  io: CliIo,
  service: Pick<CodeService, "history">,
  app: string,
  flags: Common & { limit?: number },
): Promise<number> {
  const history = await service.history({
    app,
    ...(flags.env ? { environment: flags.env } : {}),
    limit: flags.limit ?? 50,
  });
  if (flags.json) {
    printJson(io, history);
    return EXIT_OK;
  }
  const queued = history.queued ?? [];
  if (history.deployments.length === 0 && queued.length === 0) {
    io.stdout(`${app}: no history${flags.env ? ` in ${flags.env}` : ""}\n`);
    return EXIT_OK;
  }
  // Waiting in the deployment queue (role api), above what ran and newest first as it is: the
  // last in line on top.
  for (const q of [...queued].reverse()) {
    io.stdout(
      `${q.submittedAt}  ${q.environment.padEnd(12)} ${"".padEnd(5)} ${q.action.padEnd(8)} ${"".padEnd(8)} ${q.state.padEnd(12)} by ${q.actor}  id ${q.id}${q.attempt > 1 ? ` (attempt ${q.attempt})` : ""}\n`,
    );
  }
  // The Git commits of each revision, by environment and number: the one it was read from
  // (sync, serve's watch) and the one that holds it (gitops.repo).
  const revisions = new Map(history.revisions.map((r) => [`${r.environment}/${r.number}`, r]));
  for (const d of history.deployments) {
    const r = revisions.get(`${d.environment}/${d.revision}`);
    const git = `${r?.sourceCommit ? `  from ${r.sourceCommit.slice(0, 12)}` : ""}${r?.commit ? `  commit ${r.commit.slice(0, 12)}` : ""}`;
    io.stdout(
      `${d.startedAt}  ${d.environment.padEnd(12)} #${String(d.number).padEnd(4)} ${d.action.padEnd(8)} rev ${String(d.revision).padEnd(4)} ${d.state.padEnd(12)} by ${d.actor}${git}${d.error ? `\n    error: ${d.error}` : ""}\n`,
    );
  }
  return EXIT_OK;
}

export async function auditVerifyCommand(
  io: CliIo,
  service: CodeService,
  flags: Common & { head?: string },
): Promise<number> {
  return printAuditVerification(
    io,
    await service.audit.verify(flags.head !== undefined ? { head: flags.head } : {}),
    flags,
  );
}

export async function auditHeadCommand(io: CliIo, service: CodeService, flags: Common): Promise<number> {
  const head = await service.audit.head();
  if (head === undefined) {
    io.stderr("the audit log is empty: there is no head yet\n");
    return EXIT_REFUSED;
  }
  return printAuditHead(io, head, flags);
}

export async function auditListCommand(
  io: CliIo,
  service: CodeService,
  flags: Common & { limit?: number },
): Promise<number> {
  return printAuditRecords(io, await service.audit.list({ limit: flags.limit ?? 50 }), flags);
}

export async function unlockCommand(
  io: CliIo,
  service: CodeService,
  app: string,
  flags: Common & { env: string; force?: boolean },
): Promise<number> {
  const { freed, lock } = await service.unlock({ app, environment: flags.env, force: flags.force === true });
  return printUnlock(io, `${app}/${flags.env}`, freed, lock);
}

export function printAuditHead(
  io: CliIo,
  head: { seq: number; mac: string; head: string },
  flags: { json?: boolean },
): number {
  if (flags.json) printJson(io, head);
  else io.stdout(`${head.head}\n`);
  return EXIT_OK;
}

interface VerificationView {
  readonly ok: boolean;
  readonly count: number;
  readonly legacy?: number | undefined;
  readonly anchored?: boolean | undefined;
  readonly brokenAt?: number | undefined;
  readonly reason?: string | undefined;
}

/** Prints a verification (here or from a server); exit 1 when the chain is broken. */
export function printAuditVerification(
  io: CliIo,
  result: VerificationView,
  flags: { json?: boolean },
): number {
  if (flags.json) printJson(io, result);
  else if (result.ok) {
    const legacy = result.legacy ? `, ${result.legacy} legacy unkeyed record(s) at the start` : "";
    const anchor = result.anchored
      ? ", anchor matched"
      : ", no anchor found (removal from the end not checked)";
    io.stdout(`audit log intact: ${result.count} record(s), keyed chain verified${legacy}${anchor}\n`);
  } else io.stderr(`audit log TAMPERED: record ${result.brokenAt} of ${result.count}: ${result.reason}\n`);
  return result.ok ? EXIT_OK : EXIT_REFUSED;
}

export function printAuditRecords(
  io: CliIo,
  records: readonly AuditLine[],
  flags: { json?: boolean },
): number {
  if (flags.json) {
    printJson(io, { records });
    return EXIT_OK;
  }
  if (records.length === 0) io.stdout("no audit records yet\n");
  for (const r of records)
    io.stdout(
      `${r.at}  #${r.seq}  ${r.actor}  ${r.command}${r.target ? ` ${r.target}` : ""}  ${r.outcome}\n`,
    );
  return EXIT_OK;
}

export function printUnlock(io: CliIo, where: string, freed: boolean, lock: UnlockAnswer["lock"]): number {
  io.stdout(
    freed
      ? `unlocked ${where} (was held by ${lock?.actor ?? "unknown"} since ${lock?.acquiredAt ?? "?"})\n`
      : `${where} was not locked\n`,
  );
  return EXIT_OK;
}
