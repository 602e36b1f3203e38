import type Docker from "dockerode";
import { describe, expect, it } from "vitest";
import type { Existing } from "./containers.js";
import { type PortInputs, planHostPorts } from "./host-ports.js";

function container(name: string, replica: number, hostPort?: number, labelled = true): Existing {
  const info = {
    Id: name,
    Names: [`/${name}`],
    Labels: labelled && hostPort !== undefined ? { "codeploy.host-port": String(hostPort) } : {},
    Ports:
      hostPort === undefined ? [] : [{ IP: "127.0.0.1", PrivatePort: 80, PublicPort: hostPort, Type: "tcp" }],
  } satisfies Partial<Docker.ContainerInfo>;
  return { id: name, name, replica, hash: "h", running: true, info: info as Docker.ContainerInfo };
}

const inputs = (over: Partial<PortInputs>): PortInputs => ({
  component: "web",
  replicas: 2,
  containerPort: 80,
  publish: { host: "127.0.0.1", preferredPort: 8080, fixed: false },
  existing: [],
  used: new Map(),
  ...over,
});

describe("planHostPorts", () => {
  it("first apply: the preferred range, one port per replica", () => {
    expect(planHostPorts(inputs({}))).toEqual([
      { port: 8080, why: "first" },
      { port: 8081, why: "first" },
    ]);
  });

  it("keeps the ports the replicas publish now, from their label or (older containers) their bindings", () => {
    const existing = [container("a", 0, 41234), container("b", 1, 39999, false)];
    const used = new Map([
      [41234, "a"],
      [39999, "b"],
    ]);
    expect(planHostPorts(inputs({ existing, used }))).toEqual([
      { port: 41234, why: "kept" },
      { port: 39999, why: "kept" },
    ]);
  });

  it("lets the engine pick when a first choice is taken by someone else", () => {
    expect(planHostPorts(inputs({ used: new Map([[8081, "other-app"]]) }))).toEqual([
      { port: 8080, why: "first" },
      "",
    ]);
  });

  it("refuses a fixed or kept port that another container holds, naming it", () => {
    const fixed = inputs({
      publish: { host: "127.0.0.1", preferredPort: 9000, fixed: true },
      used: new Map([[9001, "someone-else"]]),
    });
    expect(() => planHostPorts(fixed)).toThrow(
      /host port 9001 of service web \(replica 1\) is taken by someone-else, which is not part of this deployment/,
    );
    const stopped = { ...container("a", 0, 41234), running: false };
    const kept = inputs({ existing: [stopped], used: new Map([[41234, "intruder"]]) });
    expect(() => planHostPorts(kept)).toThrow(/taken by intruder/);
  });

  it("a fixed port moves a replica that published elsewhere", () => {
    const plan = planHostPorts(
      inputs({
        publish: { host: "127.0.0.1", preferredPort: 9000, fixed: true },
        existing: [container("a", 0, 8080)],
        used: new Map([[8080, "a"]]),
      }),
    );
    expect(plan).toEqual([
      { port: 9000, why: "fixed" },
      { port: 9001, why: "fixed" },
    ]);
  });
});
