import { describe, expect, it } from "vitest";
import { validateSpec } from "../../spec/validate.js";
import { checkDataLoss } from "./module-run.js";
import { componentOutputs, componentsOf, ownerOfAddress } from "./ownership.js";
import { parsePlanJson } from "./plan-diff.js";

const spec = validateSpec({
  name: "shop",
  environment: "production",
  cloud: "local",
  target: "terraform",
  services: [
    { name: "web", image: "acme/web:1" },
    { name: "web-api", image: "acme/api:1" },
  ],
  databases: [{ name: "orders", engine: "postgres" }],
});

const change = (address: string, actions: string[]) => ({
  address,
  type: address.split(".")[0],
  name: address.split(".")[1],
  change: { actions, after: {} },
});

describe("checkDataLoss", () => {
  const diff = parsePlanJson({
    resource_changes: [
      change("terraform_data.orders", ["delete", "create"]),
      change("terraform_data.web", ["delete", "create"]),
    ],
  });

  it("refuses in production a replace of a database the spec keeps, before anything is applied", () => {
    const lines: string[] = [];
    expect(() =>
      checkDataLoss(diff, {
        spec,
        environment: "production",
        allowDataLoss: false,
        log: (l) => lines.push(l),
      }),
    ).toThrow("terraform_data.orders (replace, database orders)");
  });

  it("only warns elsewhere, or when data loss is allowed; services do not count", () => {
    const lines: string[] = [];
    checkDataLoss(diff, { spec, environment: "staging", allowDataLoss: false, log: (l) => lines.push(l) });
    checkDataLoss(diff, { spec, environment: "production", allowDataLoss: true, log: (l) => lines.push(l) });
    expect(lines).toHaveLength(2);
    expect(lines[0]).not.toContain("terraform_data.web");
  });
});

describe("ownership", () => {
  it("gives a resource to the component with the longest matching name", () => {
    const components = componentsOf(spec);
    expect(ownerOfAddress("terraform_data.web_api", components)?.name).toBe("web-api");
    expect(ownerOfAddress("module.x.aws_lb_target_group.web[0]", components)?.name).toBe("web");
    expect(ownerOfAddress("aws_sqs_queue.orders_dlq", components)?.name).toBe("orders");
    expect(ownerOfAddress("aws_vpc.main", components)).toBeUndefined();
  });

  it("returns a component's outputs flattened, without sensitive or secret-looking values", () => {
    const outputs = {
      web: {
        value: { image: "acme/web:1", replicas: 2, env: { LOG_LEVEL: "info", DB_PASSWORD: "x" } },
        sensitive: false,
      },
      web_token: { value: "t", sensitive: false },
      web_api: { value: { image: "acme/api:1" }, sensitive: false },
      orders: { value: "secret", sensitive: true },
    };
    expect(componentOutputs(outputs, "web", componentsOf(spec))).toEqual({
      "web.image": "acme/web:1",
      "web.replicas": "2",
      "web.env.LOG_LEVEL": "info",
    });
    expect(componentOutputs(outputs, "orders", componentsOf(spec))).toEqual({});
  });
});
