/**
 * A real `codeploy serve` process from source (serve-entry.ts under tsx) on
 * a free port with the null provider: for tests of what only a process shows
 * (signals, configuration from codeploy.yaml and the environment, several
 * servers sharing one limit).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const root = resolve(import.meta.dirname, "../../..");
const children: ChildProcess[] = [];

export interface ServeProcess {
  readonly child: ChildProcess;
  /** Resolves with `http://127.0.0.1:PORT` once the server listens; rejects when it exits first. */
  readonly url: Promise<string>;
  readonly exited: Promise<number | null>;
  output(): string;
}

/** Kills every process started here that still runs (for afterAll). */
export function killServeProcesses(): void {
  for (const c of children) c.kill("SIGKILL");
}

export function startServe(cwd: string, env: NodeJS.ProcessEnv): ServeProcess {
  const child = spawn(
    process.execPath,
    [
      "--import",
      pathToFileURL(join(root, "node_modules/tsx/dist/loader.mjs")).href,
      join(root, "src/server/__fixtures__/serve-entry.ts"),
      "serve",
      "--port",
      "0",
      "--provider",
      "null",
    ],
    { cwd, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  children.push(child);
  let out = "";
  let err = "";
  child.stdout?.on("data", (c: Buffer) => {
    out += c.toString();
  });
  child.stderr?.on("data", (c: Buffer) => {
    err += c.toString();
  });
  const url = new Promise<string>((resolveUrl, reject) => {
    const timer = setInterval(() => {
      const m = /listening on (http:\/\/\S+) /.exec(out);
      if (m?.[1]) {
        clearInterval(timer);
        resolveUrl(m[1]);
      }
    }, 50);
    child.once("exit", (code) => {
      clearInterval(timer);
      reject(new Error(`serve exited ${code}:\n${out}\n${err}`));
    });
  });
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return { child, url, exited, output: () => `${out}${err}` };
}
