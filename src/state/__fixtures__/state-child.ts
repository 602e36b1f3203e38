/**
 * A second (third...) codeploy process for the cross-process tests, run with
 * `node --import tsx`. Talks line by line: prints "ready", waits for "go" on
 * stdin, prints JSON results, and exits when stdin closes.
 *
 *   race <home> <actor> <auditCount>  try the shop/dev lock once, then append audit records
 *   crash <home>                      hold the lock and append events until killed
 */
import { createInterface } from "node:readline";
import { loadAuditKeyring } from "../audit-key.js";
import { openStateStore } from "../store.js";

const [mode, home, actor = "child", count = "0"] = process.argv.slice(2);
const shop = { app: "shop", environment: "dev" };
const lines = createInterface({ input: process.stdin });
const nextLine = (): Promise<string> => new Promise((resolve) => lines.once("line", resolve));
const closed = new Promise<void>((resolve) => lines.once("close", resolve));
const say = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value)}\n`);
};

// As the CLI opens it: the audit key and anchor in <home>, created by whichever process comes first.
if (home === undefined) throw new Error("usage: state-child <mode> <home> ...");
const store = await openStateStore({ home, audit: loadAuditKeyring(home, {}) });

if (mode === "race") {
  say("ready");
  await nextLine();
  const result = await store.acquireLock(shop, { actor }).then(
    () => ({ won: true }),
    (error: { code?: string; message?: string }) => ({
      won: false,
      code: error.code,
      message: error.message,
    }),
  );
  say(result);
  for (let i = 0; i < Number(count); i++) {
    await store.appendAudit({ actor, command: `race-${i}`, outcome: "ok" });
  }
  say("audited");
  await closed;
  await store.close();
} else if (mode === "crash") {
  const deploymentId = "crash-1";
  await store.acquireLock(shop, { actor, deploymentId });
  await store.startDeployment({ ...shop, revision: 1, action: "apply", actor, id: deploymentId });
  for (let i = 1; ; i++) {
    const event = await store.appendEvent({ deploymentId, type: "log", message: `event ${i}` });
    say(event.seq);
  }
} else {
  throw new Error(`unknown mode ${mode}`);
}
