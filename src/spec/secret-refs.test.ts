/**
 * `secret:NAME` env references end to end through the pure parts: the
 * validator, policy, redaction of stored specs, the plan, and the three
 * renderers (the value reaches exactly the secret-holding file of each
 * target, never a manifest, a .tf file or the compose document).
 */
import { describe, expect, it } from "vitest";
import { buildPlan } from "../plan/build.js";
import { runPolicy } from "../policy/run.js";
import { hashArtifacts, render, SENSITIVE_ARTIFACT } from "../render/index.js";
import type { RenderResult } from "../render/types.js";
import { redactSecrets } from "../state/redact.js";
import {
  requireSecrets,
  resolveSecrets,
  SecretMissingError,
  secretEnvVar,
  secretNamesOf,
  secretRefName,
} from "./secret-refs.js";
import { checkSpec, validateSpec } from "./validate.js";

const VALUE = "sk_live_51Hq$not'quoted";
const SAFE = "sk_live_51Hq$dollars-and-ALL";

function shop(target: "docker" | "kubernetes" | "terraform", extra: Record<string, string> = {}) {
  return validateSpec({
    name: "shop",
    environment: "production",
    target,
    ...(target === "terraform" ? { cloud: "local" } : {}),
    services: [
      {
        name: "web",
        image: "ghcr.io/acme/shop:1.0",
        port: 8080,
        env: { STRIPE_KEY: "secret:stripe-key", MODE: "live", ...extra },
      },
      {
        name: "worker",
        kind: "worker",
        image: "ghcr.io/acme/shop:1.0",
        env: { STRIPE_KEY: "secret:stripe-key" },
      },
    ],
  });
}

const fileText = (r: RenderResult, path: string) => r.files.find((f) => f.path === path)?.content;
const filesWith = (r: RenderResult, text: string) =>
  r.files.filter((f) => f.content.includes(text)).map((f) => f.path);

describe("references", () => {
  it("reads names and maps them to CODEPLOY_SECRET_ variables", () => {
    expect(secretRefName("secret:stripe-key")).toBe("stripe-key");
    expect(secretRefName("secret:")).toBeUndefined();
    expect(secretRefName("not secret:x")).toBeUndefined();
    expect(secretEnvVar("stripe-key")).toBe("CODEPLOY_SECRET_STRIPE_KEY");
    expect(secretNamesOf(shop("docker"))).toEqual(["stripe-key"]);
  });

  it("refuses a malformed reference with its path", () => {
    const result = checkSpec({ name: "a", services: [{ name: "web", env: { TOKEN: "secret:has space" } }] });
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.issues).toEqual([
      {
        path: "services[0].env.TOKEN",
        message: expect.stringMatching(/not a secret reference: write secret:NAME/),
      },
    ]);
  });

  it("names every missing secret and how to set it, and never echoes a value", () => {
    const spec = shop("docker", { API_TOKEN: "secret:api_token" });
    const env = { CODEPLOY_SECRET_STRIPE_KEY: VALUE, CODEPLOY_SECRET_API_TOKEN: "" };
    expect(resolveSecrets(spec, env)).toEqual({ values: { "stripe-key": VALUE }, missing: ["api_token"] });
    const error = (() => {
      try {
        requireSecrets(spec, env);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(SecretMissingError);
    expect(error).toMatchObject({
      code: "SECRET_MISSING",
      hint: expect.stringContaining("CODEPLOY_SECRET_API_TOKEN"),
    });
    expect(JSON.stringify(error)).not.toContain("sk_live");
    expect(requireSecrets(shop("docker"), env)).toEqual({ "stripe-key": VALUE });
  });

  it("passes policy (a reference is no literal secret) and survives redaction for rollback", () => {
    const spec = shop("docker");
    expect(runPolicy({ spec }).filter((f) => f.id === "CODE-SEC-005")).toEqual([]);
    const literal = shop("docker", { STRIPE_KEY: "sk_live_abcdefghijklmnop1234" });
    expect(runPolicy({ spec: literal }).some((f) => f.id === "CODE-SEC-005")).toBe(true);
    const stored = redactSecrets(spec) as typeof spec;
    expect(stored.services[0]?.env).toEqual({ STRIPE_KEY: "secret:stripe-key", MODE: "live" });
    expect((redactSecrets(literal) as typeof spec).services[0]?.env.STRIPE_KEY).toBe("[redacted]");
  });

  it("applies a service that reads secrets again, since their values are not in the spec", () => {
    const spec = shop("docker");
    const steps = new Map(buildPlan(spec, spec).steps.map((s) => [s.id, s]));
    expect(steps.get("service:web")).toMatchObject({
      action: "update",
      description: expect.stringMatching(/re-reads its secrets/),
    });
    const plain = validateSpec({ name: "shop", services: [{ name: "web", image: "a:1" }] });
    expect(buildPlan(plain, plain).steps.find((s) => s.id === "service:web")?.action).toBe("noop");
  });
});

describe("docker", () => {
  it("puts the value, single-quoted, in .env only, and refers to it strictly from compose.yaml", () => {
    const r = render(shop("docker"), { secrets: { "stripe-key": SAFE } });
    expect(fileText(r, ".env")).toContain(`CODEPLOY_SECRET_STRIPE_KEY='${SAFE}'`);
    expect(filesWith(r, SAFE)).toEqual([".env"]);
    const services = r.compose?.services as
      | Record<string, { environment: Record<string, string> }>
      | undefined;
    const web = services?.web;
    expect(web?.environment.STRIPE_KEY).toMatch(
      /^\$\{CODEPLOY_SECRET_STRIPE_KEY:\?secret stripe-key is not set/,
    );
    expect(web?.environment.MODE).toBe("live");
  });

  it("leaves an unset secret out of .env (compose then stops with the message) and refuses quotes", () => {
    expect(fileText(render(shop("docker")), ".env") ?? "").not.toContain("CODEPLOY_SECRET_");
    expect(() => render(shop("docker"), { secrets: { "stripe-key": VALUE } })).toThrow(
      /quote or a line break/,
    );
  });
});

describe("kubernetes", () => {
  const kube = (secrets: Record<string, string>) =>
    render(shop("kubernetes"), { secrets, secretSeed: "seed" });

  it("keeps the value in each service's own Secret and reads it with secretKeyRef", () => {
    const r = kube({ "stripe-key": VALUE });
    const encoded = Buffer.from(VALUE).toString("base64");
    expect(filesWith(r, encoded).sort()).toEqual([
      "kubernetes/secret-web-secrets.yaml",
      "kubernetes/secret-worker-secrets.yaml",
    ]);
    expect(filesWith(r, VALUE)).toEqual([]);
    const web = r.kubernetes?.find((o) => o.kind === "Deployment" && o.metadata.name === "web");
    const env = JSON.stringify(web?.spec);
    expect(env).toContain(
      '{"name":"STRIPE_KEY","valueFrom":{"secretKeyRef":{"name":"web-secrets","key":"stripe-key"}}}',
    );
  });

  it("rolls the pods when a value changes (a keyed digest in the pod template), not otherwise", () => {
    const digest = (r: RenderResult) => {
      const web = r.kubernetes?.find((o) => o.kind === "Deployment" && o.metadata.name === "web");
      return JSON.stringify(web?.spec).match(/"codeploy\.dev\/secrets":"([0-9a-f]+)"/)?.[1];
    };
    const a = digest(kube({ "stripe-key": "one" }));
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(digest(kube({ "stripe-key": "one" }))).toBe(a);
    expect(digest(kube({ "stripe-key": "two" }))).not.toBe(a);
  });
});

describe("terraform", () => {
  it("declares a sensitive variable, passes the value in secrets.auto.tfvars.json only, and marks outputs sensitive", () => {
    const r = render(shop("terraform"), { secrets: { "stripe-key": VALUE } });
    expect(filesWith(r, "sk_live")).toEqual(["terraform/secrets.auto.tfvars.json"]);
    expect(JSON.parse(fileText(r, "terraform/secrets.auto.tfvars.json") ?? "{}")).toEqual({
      secret_stripe_key: VALUE,
    });
    const variables = fileText(r, "terraform/variables.tf") ?? "";
    expect(variables).toMatch(/variable "secret_stripe_key" \{[^}]*sensitive\s+= true/s);
    expect(fileText(r, "terraform/services.tf")).toContain("var.secret_stripe_key");
    expect(fileText(r, "terraform/outputs.tf")).toMatch(/output "web" \{[^}]*sensitive\s+= true/s);
    expect(render(shop("terraform")).files.some((f) => f.path.endsWith(".tfvars.json"))).toBe(false);
  });
});

describe("recorded artifact hashes", () => {
  it("never hash a file that holds secret values, on any target", () => {
    for (const target of ["docker", "kubernetes", "terraform"] as const) {
      const r = render(shop(target), { secrets: { "stripe-key": SAFE } });
      const hashes = hashArtifacts(r);
      const holding = r.files.filter((f) => f.content.includes(SAFE) || f.content.includes(btoa(SAFE)));
      expect(holding.length, target).toBeGreaterThan(0);
      for (const f of holding) expect(hashes[f.path], `${target} ${f.path}`).toBe(SENSITIVE_ARTIFACT);
      const plain = r.files.filter((f) => !f.sensitive);
      expect(plain.length, target).toBeGreaterThan(0);
      for (const f of plain) expect(hashes[f.path], `${target} ${f.path}`).toMatch(/^[0-9a-f]{64}$/);
    }
  });
});
