/**
 * A throwaway podman Engine API for integration tests: `podman system service`
 * on a socket in a temp dir, with its own storage (--root, --runroot), network
 * configs and containers.conf, so it shares nothing with any other podman on
 * the machine. No registry is reachable here, so the test images are built
 * locally: a busybox rootfs turned into images with `podman import`. On
 * request it also runs a real local registry (docker-registry) that the
 * service trusts over plain HTTP, to test pulls.
 *
 * Installs nothing: when podman or a static busybox is missing it returns
 * undefined (the caller skips, with the printed reason), except under CI,
 * where a missing part is a failure. `stop()` removes every container,
 * volume, network and image, unmounts the storage and deletes the temp dir;
 * an exit handler does the same if the test process ends without it.
 */
import { type ChildProcess, execFile, execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { chmod, copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import Docker from "dockerode";

const run = promisify(execFile);

/** Images the harness builds; each tag is a busybox rootfs. */
export const TEST_IMAGES = {
  /** httpd on $PORT (default 8080) serving "v1" at / (and /healthz); prints "serving v1" first. */
  v1: "localhost/codeploy-test/web:v1",
  /** The same, serving "v2". */
  v2: "localhost/codeploy-test/web:v2",
  /** Runs, but its httpd never starts: a health check that never passes. */
  broken: "localhost/codeploy-test/web:broken",
  /** Stand-in for the official redis image: `redis-server` is httpd on 6379 (a TCP port that opens). */
  redis: "docker.io/library/redis:7",
  /** Stand-in for the official postgres image: httpd on 5432. */
  postgres: "docker.io/library/postgres:16",
} as const;

/** A real registry (Debian's docker-registry, the CNCF distribution server) on 127.0.0.1, plain HTTP. */
export interface LocalRegistry {
  /** `127.0.0.1:PORT` */
  readonly address: string;
  /** Pushes a local image under `name` (such as `acme/web:1`); returns the reference to pull. */
  push(localImage: string, name: string): Promise<string>;
}

export interface PodmanService {
  /** `unix:///tmp/.../api.sock`, as DOCKER_HOST. */
  readonly host: string;
  readonly socketPath: string;
  readonly docker: Docker;
  /** Runs the podman CLI on the same storage (local, not through the socket). */
  podman(args: readonly string[]): Promise<string>;
  /** What another program that runs the podman CLI needs to reach the same storage: global flags and environment. */
  readonly cli: { readonly globals: readonly string[]; readonly env: NodeJS.ProcessEnv };
  /** Milliseconds: service start, image builds. */
  readonly timings: { readonly serviceMs: number; readonly imagesMs: number };
  /** Present when asked for and docker-registry is installed; the service trusts it over HTTP. */
  readonly registry?: LocalRegistry;
  stop(): Promise<void>;
}

/** A further busybox image a test needs, tagged as the image it stands in for. */
export interface StandInImage {
  readonly tag: string;
  /** The Dockerfile-style CMD instruction given to `podman import --change`. */
  readonly cmd: string;
  /** Text served at / by the harness's httpd (www/index.html). */
  readonly index?: string;
}

export interface StartPodmanOptions {
  /** Also run a local registry (skipped with a printed reason when docker-registry is missing). */
  readonly registry?: boolean;
  /** More images to build beside TEST_IMAGES (stand-ins for official images). */
  readonly standIns?: readonly StandInImage[];
}

const BUSYBOX_APPLETS = ["sh", "httpd", "wget", "nc", "sleep", "cat", "echo", "ls", "env", "true", "false"];

const CONTAINERS_CONF = (netDir: string) => `[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]

[engine]
runtime = "runc"
events_logger = "file"
cgroup_manager = "cgroupfs"

[network]
network_config_dir = "${netDir}"
`;

function findBusybox(): string | undefined {
  return ["/bin/busybox", "/usr/bin/busybox"].find((p) => {
    if (!existsSync(p)) return false;
    // The rootfs holds nothing but this binary: it must be static.
    const out = spawnSync("file", [p], { encoding: "utf8" });
    return out.status !== 0 || /statically linked/.test(out.stdout);
  });
}

function missingReason(): string | undefined {
  if (process.platform !== "linux") return "podman integration tests need Linux";
  if (spawnSync("podman", ["--version"]).status !== 0)
    return "podman is not installed (apt-get install podman runc)";
  if (!findBusybox()) return "no static busybox found (apt-get install busybox-static)";
  return undefined;
}

/** Starts the service and builds the images; undefined (skip) when podman or busybox is missing. */
export async function startPodman(options: StartPodmanOptions = {}): Promise<PodmanService | undefined> {
  const reason = missingReason();
  if (reason) {
    if (process.env.CI) throw new Error(`${reason} (CI is set, so a missing engine fails the tests)`);
    console.warn(`skipping podman tests: ${reason}`);
    return undefined;
  }
  const base = await mkdtemp(join(tmpdir(), "cdp-podman-"));
  const conf = join(base, "containers.conf");
  await mkdir(join(base, "net"));
  await writeFile(conf, CONTAINERS_CONF(join(base, "net")));
  const globals = [
    "--root",
    join(base, "root"),
    "--runroot",
    join(base, "run"),
    "--tmpdir",
    join(base, "tmp"),
  ];
  const registry = options.registry
    ? await startRegistry(base).catch(async (error: unknown) => {
        await rm(base, { recursive: true, force: true });
        throw error;
      })
    : undefined;
  const env = {
    ...process.env,
    CONTAINERS_CONF: conf,
    ...(registry ? { CONTAINERS_REGISTRIES_CONF: registry.conf } : {}),
  };
  const podman = async (args: readonly string[]) =>
    (await run("podman", [...globals, ...args], { env, maxBuffer: 16 << 20 })).stdout;
  const socketPath = join(base, "api.sock");
  const started = Date.now();
  const child = spawn("podman", [...globals, "system", "service", "--time=0", `unix://${socketPath}`], {
    env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  const cleanupSync = () => {
    child.kill("SIGKILL");
    registry?.child.kill("SIGKILL");
    spawnSync("podman", [...globals, "system", "reset", "--force"], { env, stdio: "ignore" });
    killLeftovers(base);
    spawnSync("rm", ["-rf", base]);
  };
  process.once("exit", cleanupSync);
  const docker = new Docker({ socketPath });
  const stop = async () => {
    process.removeListener("exit", cleanupSync);
    await stopService(child, globals, env);
    registry?.child.kill("SIGTERM");
    killLeftovers(base);
    await rm(base, { recursive: true, force: true });
  };
  try {
    await waitForSocket(docker, child, () => log);
    const serviceMs = Date.now() - started;
    const imagesStarted = Date.now();
    await buildImages(base, podman, options.standIns ?? []);
    return {
      host: `unix://${socketPath}`,
      socketPath,
      docker,
      podman,
      cli: { globals, env },
      timings: { serviceMs, imagesMs: Date.now() - imagesStarted },
      ...(registry
        ? {
            registry: {
              address: registry.address,
              push: async (local: string, name: string) => {
                const ref = `${registry.address}/${name}`;
                await podman(["push", "--quiet", "--tls-verify=false", local, ref]);
                return ref;
              },
            },
          }
        : {}),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

interface RunningRegistry {
  readonly address: string;
  /** registries.conf that marks the registry as plain HTTP. */
  readonly conf: string;
  readonly child: ChildProcess;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

async function startRegistry(base: string): Promise<RunningRegistry | undefined> {
  if (spawnSync("docker-registry", ["--version"]).status !== 0) {
    const reason = "docker-registry is not installed (apt-get install docker-registry)";
    if (process.env.CI) throw new Error(`${reason} (CI is set, so a missing registry fails the tests)`);
    console.warn(`skipping registry tests: ${reason}`);
    return undefined;
  }
  const address = `127.0.0.1:${await freePort()}`;
  const config = join(base, "registry.yml");
  const storage = join(base, "registry");
  await writeFile(
    config,
    `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${storage}\nhttp:\n  addr: ${address}\n`,
  );
  const conf = join(base, "registries.conf");
  await writeFile(
    conf,
    `unqualified-search-registries = ["docker.io"]\n\n[[registry]]\nlocation = "${address}"\ninsecure = true\n`,
  );
  const child = spawn("docker-registry", ["serve", config], { stdio: ["ignore", "ignore", "ignore"] });
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      if ((await fetch(`http://${address}/v2/`)).ok) return { address, conf, child };
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`docker-registry did not answer on ${address}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function waitForSocket(docker: Docker, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`podman system service exited:\n${log()}`);
    try {
      await docker.ping();
      return;
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`podman service did not answer in 30 s:\n${log()}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

async function rootfs(dir: string, index: string, scripts: Record<string, string>): Promise<void> {
  const busybox = findBusybox() ?? "/bin/busybox";
  for (const d of ["bin", "www", "tmp", "etc"]) await mkdir(join(dir, d), { recursive: true });
  await copyFile(busybox, join(dir, "bin/busybox"));
  await chmod(join(dir, "bin/busybox"), 0o755);
  for (const applet of BUSYBOX_APPLETS) await symlink("busybox", join(dir, "bin", applet));
  await writeFile(join(dir, "www/index.html"), index);
  await writeFile(join(dir, "www/healthz"), "ok\n");
  await writeFile(join(dir, "etc/passwd"), "root:x:0:0:root:/:/bin/sh\n");
  for (const [name, body] of Object.entries(scripts)) {
    await writeFile(join(dir, "bin", name), `#!/bin/sh\n${body}\n`);
    await chmod(join(dir, "bin", name), 0o755);
  }
}

async function buildImages(
  base: string,
  podman: (args: readonly string[]) => Promise<string>,
  standIns: readonly StandInImage[],
): Promise<void> {
  const httpd = (port: number) => `CMD ["httpd", "-f", "-p", "${port}", "-h", "/www"]`;
  // Says which version starts (for the logs tests), logs requests (-v), and listens on $PORT (default 8080).
  const web = (v: string) =>
    `CMD ["sh", "-c", "echo serving ${v}; exec httpd -f -v -p \${PORT:-8080} -h /www"]`;
  const variants: { tag: string; index: string; cmd: string }[] = [
    { tag: TEST_IMAGES.v1, index: "v1\n", cmd: web("v1") },
    { tag: TEST_IMAGES.v2, index: "v2\n", cmd: web("v2") },
    { tag: TEST_IMAGES.broken, index: "broken\n", cmd: `CMD ["sleep", "3600"]` },
    { tag: TEST_IMAGES.redis, index: "redis stand-in\n", cmd: `CMD ["redis-server"]` },
    { tag: TEST_IMAGES.postgres, index: "postgres stand-in\n", cmd: httpd(5432) },
    ...standIns.map((s) => ({ tag: s.tag, index: s.index ?? `${s.tag} stand-in\n`, cmd: s.cmd })),
  ];
  // Compose gives redis its command (redis-server --requirepass ...): the stand-in opens the port and ignores the rest.
  // serve-env PORT PATH: an app stand-in that serves the environment it was given at /env, and PATH (its health path).
  const scripts = {
    "redis-server": "exec httpd -f -p 6379 -h /www",
    "serve-env": [
      'www=/tmp/www; /bin/busybox mkdir -p "$www$(/bin/busybox dirname "$2")"',
      'env > "$www/env"; echo ok > "$www$2"',
      'exec httpd -f -p "$1" -h "$www"',
    ].join("\n"),
  };
  await Promise.all(
    variants.map(async (v, i) => {
      const dir = join(base, `rootfs-${i}`);
      await rootfs(dir, v.index, scripts);
      const tar = join(base, `rootfs-${i}.tar`);
      await run("tar", ["-C", dir, "-cf", tar, "."]);
      await podman(["import", "--change", v.cmd, tar, v.tag]);
    }),
  );
}

/**
 * conmon processes of exec sessions wait up to 5 minutes before their cleanup
 * call: they are ours (their command line names our temp dir), so they go too.
 */
function killLeftovers(base: string): void {
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(base)) process.kill(Number(pid), "SIGKILL");
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
}

/** Removes everything the service holds (containers, volumes, networks, images), then stops it. */
async function stopService(
  child: ChildProcess,
  globals: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  }
  // reset removes containers (even running ones), pods, volumes, networks in our config dir and images, and unmounts the storage.
  await run("podman", [...globals, "system", "reset", "--force"], { env }).catch(() => {
    execFileSync("podman", [...globals, "rm", "--all", "--force", "--time", "0"], { env, stdio: "ignore" });
  });
}
