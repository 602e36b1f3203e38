/** Read-only views of the store: status, history, audit. */
import { recordedProvider } from "../../engine/deploy.js";
import type { ObservedResource } from "../../engine/provider.js";
import type { DeploymentSpec } from "../../spec/schema.js";
import { formatHead, parseHead } from "../../state/audit-key.js";
import { LockHeldError } from "../../state/errors.js";
import type { AuditRecord, EnvironmentStatus, LockInfo, StateStore } from "../../state/types.js";
import { EXIT_OK, EXIT_REFUSED } from "../exit.js";
import { type CliIo, printJson } from "../io.js";
import { actorOf, kubernetesOptions, openStore } from "../session.js";
import { loadCliConfig } from "../settings.js";

interface Common {
  readonly env?: string;
  readonly json?: boolean;
  readonly config?: string;
}

async function withStore<T>(
  io: CliIo,
  flags: Common,
  fn: (store: Awaited<ReturnType<typeof openStore>>) => Promise<T>,
): Promise<T> {
  const config = await loadCliConfig(io, flags.config);
  const store = await openStore(io, config);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

export async function statusCommand(io: CliIo, app: string | undefined, flags: Common): Promise<number> {
  return withStore(io, flags, async (store) => {
    const rows = await store.status({
      ...(app ? { app } : {}),
      ...(flags.env ? { environment: flags.env } : {}),
    });
    const live = app
      ? await Promise.all(rows.map((r) => observeLive(io, store, r, flags.config)))
      : rows.map(() => undefined);
    if (flags.json) {
      printJson(io, { environments: rows.map((r, i) => ({ ...r, ...live[i] })) });
      return EXIT_OK;
    }
    if (rows.length === 0) {
      io.stdout(
        app ? `${app}: nothing deployed${flags.env ? ` in ${flags.env}` : ""}\n` : "nothing deployed yet\n",
      );
      return EXIT_OK;
    }
    for (const r of rows) {
      const d = r.lastDeployment;
      const last = d
        ? `last ${d.action} #${d.number} (revision ${d.revision}) ${d.state}${d.finishedAt ? ` at ${d.finishedAt}` : ` since ${d.startedAt}`}`
        : "no deployment";
      const running =
        r.currentRevision !== undefined ? `revision ${r.currentRevision} running` : "not running";
      io.stdout(`${r.app}/${r.environment}: ${running}; ${last}\n`);
      if (d?.state === "interrupted") {
        io.stdout(
          `  interrupted: its process stopped mid-way; re-run \`codeploy apply\` with the same spec to converge, or \`codeploy rollback ${r.app} --env ${r.environment}\`\n`,
        );
      }
      if (d?.error) io.stdout(`  error: ${d.error}\n`);
      const seen = live[rows.indexOf(r)];
      for (const [service, urls] of Object.entries(seen?.endpoints ?? {}))
        io.stdout(`  ${service}: ${urls.join(", ")}\n`);
      for (const w of seen?.workloads ?? []) io.stdout(`  ${describeWorkload(w)}\n`);
      for (const problem of seen?.problems ?? []) io.stdout(`  drift: ${problem}\n`);
      if (seen?.observeError) io.stdout(`  could not check what runs: ${seen.observeError}\n`);
      if (r.lock)
        io.stdout(
          `  locked by ${r.lock.actor} since ${r.lock.acquiredAt}${r.lock.expired ? " (expired)" : ""}\n`,
        );
    }
    return EXIT_OK;
  });
}

export async function historyCommand(
  io: CliIo,
  app: string,
  flags: Common & { limit?: number },
): Promise<number> {
  return withStore(io, flags, async (store) => {
    const deployments = await store.listDeployments({
      app,
      ...(flags.env ? { environment: flags.env } : {}),
      limit: flags.limit ?? 50,
    });
    if (flags.json) {
      const environments = [...new Set(deployments.map((d) => d.environment))];
      const revisions = (
        await Promise.all(environments.map((environment) => store.listRevisions({ app, environment })))
      ).flat();
      printJson(io, { deployments, revisions: revisions.map(({ spec: _spec, ...r }) => r) });
      return EXIT_OK;
    }
    if (deployments.length === 0) {
      io.stdout(`${app}: no history${flags.env ? ` in ${flags.env}` : ""}\n`);
      return EXIT_OK;
    }
    for (const d of deployments) {
      io.stdout(
        `${d.startedAt}  ${d.environment.padEnd(12)} #${String(d.number).padEnd(4)} ${d.action.padEnd(8)} rev ${String(d.revision).padEnd(4)} ${d.state.padEnd(12)} by ${d.actor}${d.error ? `\n    error: ${d.error}` : ""}\n`,
      );
    }
    return EXIT_OK;
  });
}

export async function auditVerifyCommand(io: CliIo, flags: Common & { head?: string }): Promise<number> {
  // Parsed before the store opens: a mistyped head is a usage error, not a verdict.
  const head = flags.head !== undefined ? parseHead(flags.head) : undefined;
  return withStore(io, flags, async (store) =>
    printAuditVerification(io, await store.verifyAudit(head ? { head } : {}), flags),
  );
}

export async function auditHeadCommand(io: CliIo, flags: Common): Promise<number> {
  return withStore(io, flags, async (store) => {
    const head = await store.auditHead();
    if (head === undefined) {
      io.stderr("the audit log is empty: there is no head yet\n");
      return EXIT_REFUSED;
    }
    return printAuditHead(io, { ...head, head: formatHead(head) }, flags);
  });
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

export async function auditListCommand(io: CliIo, flags: Common & { limit?: number }): Promise<number> {
  return withStore(io, flags, async (store) =>
    printAuditRecords(io, await store.listAudit({ newestFirst: true, limit: flags.limit ?? 50 }), flags),
  );
}

type AuditLine = Pick<AuditRecord, "at" | "seq" | "actor" | "command" | "outcome"> & {
  readonly target?: string | undefined;
};

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

export async function unlockCommand(
  io: CliIo,
  app: string,
  flags: Common & { env: string; force?: boolean },
): Promise<number> {
  return withStore(io, flags, async (store) => {
    const key = { app, environment: flags.env };
    const force = flags.force === true;
    const audit = (outcome: "ok" | "refused", details: Record<string, unknown>) =>
      store.appendAudit({
        actor: actorOf(io),
        command: "unlock",
        target: `${app}/${flags.env}`,
        outcome,
        details,
      });
    try {
      const { freed, lock } = await store.unlock(key, { force });
      await audit("ok", { freed, force, ...(lock ? { holder: holderOf(lock) } : {}) });
      return printUnlock(io, `${app}/${flags.env}`, freed, lock);
    } catch (error) {
      if (error instanceof LockHeldError) await audit("refused", { force, holder: holderOf(error.lock) });
      throw error;
    }
  });
}

function holderOf(lock: LockInfo): Record<string, unknown> {
  return {
    actor: lock.actor,
    ...(lock.pid !== undefined ? { pid: lock.pid } : {}),
    ...(lock.host !== undefined ? { host: lock.host } : {}),
    ...(lock.deploymentId !== undefined ? { deployment: lock.deploymentId } : {}),
  };
}

export function printUnlock(
  io: CliIo,
  where: string,
  freed: boolean,
  lock: Pick<LockInfo, "actor" | "acquiredAt"> | undefined,
): number {
  io.stdout(
    freed
      ? `unlocked ${where} (was held by ${lock?.actor ?? "unknown"} since ${lock?.acquiredAt ?? "?"})\n`
      : `${where} was not locked\n`,
  );
  return EXIT_OK;
}

interface Live {
  /** kubernetes: the app's Deployments, StatefulSets and CronJobs as they run. */
  readonly workloads?: readonly ObservedResource[];
  readonly endpoints?: Record<string, string[]>;
  readonly problems?: string[];
  readonly observeError?: string;
}

/** `Deployment web: running (2 of 2 ready)` */
function describeWorkload(w: ObservedResource): string {
  const d = w.details ?? {};
  const ready = typeof d.ready === "number" ? ` (${d.ready} of ${String(d.desired)} ready)` : "";
  return `${w.kind} ${w.name}: ${w.status}${ready}`;
}

/** kubernetes: the workloads the cluster runs for the app, and those not running as the spec says. */
async function observeKubernetes(
  io: CliIo,
  row: EnvironmentStatus,
  spec: DeploymentSpec,
  configPath: string | undefined,
): Promise<Live> {
  const k8s = await import("../../providers/kubernetes/index.js");
  try {
    const config = await loadCliConfig(io, configPath);
    const provider = k8s.createKubernetesProvider(kubernetesOptions(io, config, {}));
    const signal = AbortSignal.timeout(10_000);
    const workloads = await provider.observe({ app: row.app, environment: row.environment, spec, signal });
    const problems = workloads
      .filter((w) => w.status === "degraded" || w.status === "missing")
      .map((w) => `${w.kind} ${w.name} is ${w.status}`);
    return { workloads, problems };
  } catch (error) {
    return { observeError: error instanceof Error ? error.message.split("\n")[0] : String(error) };
  }
}

/**
 * For one named app on docker or kubernetes: what runs now, its endpoints, and where it
 * differs from the spec. Only when that provider is what deployed it: a rehearsal
 * with the null provider never makes status contact an engine.
 */
async function observeLive(
  io: CliIo,
  store: StateStore,
  row: EnvironmentStatus,
  configPath?: string,
): Promise<Live | undefined> {
  if (row.currentRevision === undefined) return undefined;
  const revision = await store.getRevision(row, row.currentRevision);
  const spec = revision?.spec as DeploymentSpec | undefined;
  const recorded = await recordedProvider(store, row);
  if (spec === undefined) return undefined;
  if ((recorded ?? spec.target) === "kubernetes") return observeKubernetes(io, row, spec, configPath);
  if ((recorded ?? spec.target) !== "docker") return undefined;
  const docker = await import("../../providers/docker/index.js");
  try {
    const provider = docker.createDockerProvider(docker.dockerProviderOptions(undefined, io.env));
    const signal = AbortSignal.timeout(5000);
    const observed = await provider.observe({ app: row.app, environment: row.environment, spec, signal });
    return { endpoints: docker.endpointsOf(observed), problems: docker.checkObserved(spec, observed) };
  } catch (error) {
    return { observeError: error instanceof Error ? error.message.split("\n")[0] : String(error) };
  }
}
