import { describe, expect, it } from "vitest";
import type { DeploymentSpec } from "../../spec/schema.js";
import { validateSpec } from "../../spec/validate.js";
import { interpretRules } from "../rules-interpreter.js";

const base: DeploymentSpec = validateSpec({
  name: "shop",
  environment: "staging",
  services: [
    { name: "web", kind: "web", image: "nginx:1.27", public: true },
    { name: "worker", kind: "worker", image: "acme/worker:1" },
  ],
});

describe("what the words tie a property or a name to", () => {
  it('"add 2 more replicas to the worker" goes to the worker, not the nearest service', () => {
    const r = interpretRules("make the web private and add 2 more replicas to the worker", { base });
    const replicas = Object.fromEntries(r.spec.services.map((s) => [s.name, s.replicas]));
    expect(replicas).toEqual({ web: 1, worker: 3 });
  });

  it('"mysql for the marketing team" names no database after the team', () => {
    const r = interpretRules("Spin up wordpress with mysql for the marketing team");
    expect(r.spec.databases.map((d) => d.name)).toEqual(["mysql"]);
    expect(
      interpretRules("two postgres databases, one for orders and one for users").spec.databases.map(
        (d) => d.name,
      ),
    ).toEqual(["orders", "users"]);
  });
});
