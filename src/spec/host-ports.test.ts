import { describe, expect, it } from "vitest";
import { SpecValidationError } from "../core/errors.js";
import { validateSpec } from "./validate.js";

function issuesOf(input: unknown): { path: string; message: string }[] {
  try {
    validateSpec(input);
  } catch (error) {
    if (error instanceof SpecValidationError) return [...error.issues];
    throw error;
  }
  return [];
}

const web = (name: string, extra: Record<string, unknown>) => ({ name, image: "w:1", port: 80, ...extra });

describe("services[].hostPort", () => {
  it("is accepted on a public service and kept in the spec", () => {
    const spec = validateSpec({ name: "a", services: [web("web", { hostPort: 8080, replicas: 2 })] });
    expect(spec.services[0]?.hostPort).toBe(8080);
  });

  it("must be a port number", () => {
    expect(issuesOf({ services: [web("web", { hostPort: 0 })] })).toEqual([
      { path: "services[0].hostPort", message: "must be >= 1" },
    ]);
    expect(issuesOf({ services: [web("web", { hostPort: 65536 })] })).toEqual([
      { path: "services[0].hostPort", message: "must be <= 65535" },
    ]);
  });

  it("refuses ranges that overlap within the app, naming the other service and what to do", () => {
    const issues = issuesOf({
      services: [web("web", { hostPort: 8080, replicas: 2 }), web("admin", { hostPort: 8081 })],
    });
    expect(issues).toEqual([
      {
        path: "services[1].hostPort",
        message:
          "host port 8081 overlaps 8080-8081 of service web (one port per replica): give each service its own range",
      },
    ]);
  });

  it("refuses replicas that would run past 65535, and a service that publishes nothing", () => {
    expect(issuesOf({ services: [web("web", { hostPort: 65535, replicas: 2 })] })[0]).toEqual({
      path: "services[0].hostPort",
      message: "2 replicas take ports 65535-65536, past 65535: lower hostPort",
    });
    expect(issuesOf({ services: [web("web", { hostPort: 9000, public: false })] })[0]?.path).toBe(
      "services[0].hostPort",
    );
  });
});
