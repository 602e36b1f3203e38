import { describe, expect, it } from "vitest";
import { CommandError, runCommand } from "./command-runner.js";

const node = process.execPath;

describe("runCommand", () => {
  it("passes arguments without a shell and captures both streams line by line", async () => {
    const lines: string[] = [];
    const result = await runCommand(
      node,
      ["-e", "console.log(process.argv[1]); console.error('to stderr'); console.log('b')", "$HOME; echo hi"],
      { onLine: (line, stream) => lines.push(`${stream}:${line}`) },
    );
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe("$HOME; echo hi\nb\n");
    expect(lines).toContain("stdout:$HOME; echo hi");
    expect(lines).toContain("stderr:to stderr");
  });

  it("gives the child exactly the environment it is told, plus extraEnv", async () => {
    const result = await runCommand(node, ["-e", "console.log(JSON.stringify(process.env))"], {
      env: { ONLY: "this" },
      extraEnv: { AND: "that" },
    });
    const env: unknown = JSON.parse(result.stdout);
    expect(env).toMatchObject({ ONLY: "this", AND: "that" });
    expect(env).not.toHaveProperty("PATH");
  });

  it("rejects with a CommandError that keeps stdout, stderr and the exit code", async () => {
    const error = await runCommand(node, [
      "-e",
      "console.log('out'); console.error('bad thing'); process.exit(3)",
    ]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect(error).toMatchObject({
      code: "COMMAND_FAILED",
      exitCode: 3,
      stdout: "out\n",
      stderr: "bad thing\n",
    });
    expect((error as CommandError).message).toContain("bad thing");
  });

  it("accepts the exit codes it is told to", async () => {
    const result = await runCommand(node, ["-e", "process.exit(2)"], { okExitCodes: [0, 2] });
    expect(result.exitCode).toBe(2);
  });

  it("names a missing command", async () => {
    const error = await runCommand("codeploy-no-such-command", []).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "COMMAND_NOT_FOUND", exitCode: -1 });
  });

  it("does not mistake a missing working folder for a missing command", async () => {
    const error = await runCommand(node, ["-e", ""], { cwd: "/no/such/folder" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "COMMAND_FAILED" });
    expect((error as CommandError).message).toContain("working folder /no/such/folder does not exist");
  });

  it("interrupts the child on abort (SIGINT, so it can clean up) and rejects as aborted", async () => {
    const controller = new AbortController();
    const script =
      "process.on('SIGINT', () => { console.log('cleaned up'); process.exit(130); }); console.log('ready'); setInterval(() => {}, 1000);";
    const promise = runCommand(node, ["-e", script], {
      signal: controller.signal,
      onLine: (line) => {
        if (line === "ready") controller.abort();
      },
    });
    const error = await promise.catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "COMMAND_ABORTED", stdout: "ready\ncleaned up\n" });
  });

  it("kills a child that ignores SIGINT after the grace period", async () => {
    const controller = new AbortController();
    const script = "process.on('SIGINT', () => {}); console.log('ready'); setInterval(() => {}, 1000);";
    const error = await runCommand(node, ["-e", script], {
      signal: controller.signal,
      killGraceMs: 50,
      onLine: () => controller.abort(),
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "COMMAND_ABORTED", exitCode: -1 });
  });
});
