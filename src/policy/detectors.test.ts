/** The detectors behind the rules: secret names and values, image references, quantities, cron gaps. */
import { describe, expect, it } from "vitest";
import { cpuCores, memoryGib } from "../spec/quantity.js";
import { validateSpec } from "../spec/validate.js";
import { dataStoreOf, parseImage } from "./images.js";
import { shortestCronGap } from "./rules/operations.js";
import { runPolicy } from "./run.js";
import { isLiteralSecretValue, isSecretName, secretKindOf, urlHasPassword } from "./secrets.js";

describe("isSecretName", () => {
  it.each([
    "DB_PASSWORD",
    "API_TOKEN",
    "JWT_SECRET",
    "STRIPE_API_KEY",
    "stripeSecretKey",
    "SMTP_PASS",
    "APITOKEN",
    "GCP_CREDENTIALS",
  ])("%s is a secret name", (name) => expect(isSecretName(name)).toBe(true));
  it.each([
    "LOG_LEVEL",
    "TOKEN_TTL",
    "API_KEY_FILE",
    "AWS_ACCESS_KEY_ID",
    "PUBLIC_KEY",
    "CACHE_KEY_PREFIX",
    "KEYCLOAK_URL",
    "PASSWORD_MIN_LENGTH",
    "SECRETARY_EMAIL",
  ])("%s is not", (name) => expect(isSecretName(name)).toBe(false));
});

describe("isLiteralSecretValue", () => {
  it.each(["hunter2", "changeme", "0000"])("%s is a literal", (v) =>
    expect(isLiteralSecretValue(v)).toBe(true),
  );
  it.each([
    "",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${VAR} reference, not a template
    "${DB_PASSWORD}",
    "$DB_PASSWORD",
    "secret:db/password",
    "vault:kv/data/db#password",
    "arn:aws:secretsmanager:eu-central-1:1:secret:db",
    "projects/p/secrets/db/versions/1",
    "@Microsoft.KeyVault(SecretUri=https://v.vault.azure.net/secrets/db)",
    "{{ .Values.password }}",
    "true",
  ])("%s is not", (v) => expect(isLiteralSecretValue(v)).toBe(false));
});

describe("secretKindOf", () => {
  it.each([
    ["AKIAIOSFODNN7EXAMPLE", "an AWS access key id"],
    ["-----BEGIN OPENSSH PRIVATE KEY-----", "a private key"],
    [`ghp_${"a1B2".repeat(9)}`, "a GitHub token"],
    ["xoxb-1234567890-abcdefghij", "a Slack token"],
    [`sk_live_${"4eC39HqLyjWDarjtT1zdp7dc"}`, "a Stripe secret key"],
    [`AIza${"Sy".repeat(17)}A`, "a Google API key"],
    ["Zq7Lp2Xv9Rt4Wm8Nb3Kc6Hd1Jf5Gs0Ya", "a high-entropy secret"],
  ])("%s is %s", (value, kind) => expect(secretKindOf(value)).toBe(kind));

  it.each([
    "3f786850e387550fdab836ed7e6dc881de23001b",
    "9b2e6a3c-1f4d-4c8e-9a7b-2d5f8e1c3b6a",
    "https://api.example.com/v1/Callback/Handler/2024",
    "The Quick Brown Fox Jumps Over 13 Lazy Dogs",
    "info",
  ])("%s is not a secret", (value) => expect(secretKindOf(value)).toBeUndefined());
});

describe("urlHasPassword", () => {
  it("finds a literal password in a URL and accepts references and user-only URLs", () => {
    expect(urlHasPassword("postgres://app:pw@db:5432/shop")).toBe(true);
    expect(urlHasPassword("amqp://guest:guest@rabbitmq:5672/")).toBe(true);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${VAR} reference, not a template
    expect(urlHasPassword("postgres://app:${DB_PASSWORD}@db/shop")).toBe(false);
    expect(urlHasPassword("postgres://app@db:5432/shop")).toBe(false);
    expect(urlHasPassword("https://example.com:8443/path")).toBe(false);
    expect(urlHasPassword("redis://:****@cache:6379")).toBe(false);
  });
});

describe("parseImage", () => {
  it.each([
    ["nginx", { registry: undefined, repository: "nginx", tag: undefined, digest: undefined }],
    ["nginx:latest", { registry: undefined, repository: "nginx", tag: "latest", digest: undefined }],
    [
      "ghcr.io/acme/web:1.4.2",
      { registry: "ghcr.io", repository: "acme/web", tag: "1.4.2", digest: undefined },
    ],
    [
      "localhost:5000/web",
      { registry: "localhost:5000", repository: "web", tag: undefined, digest: undefined },
    ],
    [
      "bitnami/redis:7.2@sha256:abc",
      { registry: undefined, repository: "bitnami/redis", tag: "7.2", digest: "sha256:abc" },
    ],
  ])("%s", (reference, expected) => expect(parseImage(reference)).toEqual(expected));

  it("recognises data-store images by their last path segment", () => {
    expect(dataStoreOf("postgres:16")).toBe("postgres");
    expect(dataStoreOf("docker.io/bitnami/postgresql:16")).toBe("postgresql");
    expect(dataStoreOf("ghcr.io/acme/postgres-exporter:1")).toBeUndefined();
  });
});

describe("quantities", () => {
  it("reads CPU and memory the way Kubernetes does", () => {
    expect(cpuCores("500m")).toBe(0.5);
    expect(cpuCores("16")).toBe(16);
    expect(memoryGib("512Mi")).toBe(0.5);
    expect(memoryGib("4Gi")).toBe(4);
    expect(memoryGib("64G")).toBeCloseTo(59.6, 1);
    expect(memoryGib("lots")).toBeUndefined();
  });
});

describe("shortestCronGap", () => {
  it.each([
    ["* * * * *", 1],
    ["*/2 9-17 * * 1-5", 2],
    ["*/5 * * * *", 5],
    ["0,30 * * * *", 30],
    ["0 2 * * *", 1440],
  ])("%s runs %d minutes apart at the closest", (schedule, gap) =>
    expect(shortestCronGap(schedule)).toBe(gap),
  );
});

describe("env values through the rules (detection shared with the store's redaction, core/secrets.ts)", () => {
  const B62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const random = (n: number) => Array.from({ length: n }, (_, i) => B62[(i * 37 + n * 11) % 62]).join("");
  const findingsFor = (env: Record<string, string>) =>
    runPolicy({ spec: validateSpec({ services: [{ name: "web", image: "nginx:1.27", env }] }) }).filter((f) =>
      f.path.startsWith("services[0].env."),
    );

  it.each([
    ["glpat-", `glpat-${random(20)}`],
    ["sk_test_", `sk_test_${random(24)}`],
    ["rk_live_", `rk_live_${random(24)}`],
    ["gho_", `gho_${random(36)}`],
    ["xoxp-", `xoxp-1234567890-${random(24)}`],
  ])("a %s token under a harmless name is CODE-SEC-006", (_, value) => {
    const [finding] = findingsFor({ NOTE: value });
    expect(finding).toMatchObject({ id: "CODE-SEC-006", path: "services[0].env.NOTE" });
    expect(JSON.stringify(finding)).not.toContain(value);
  });

  it("a URL whose password holds @ : / is CODE-SEC-007, and the finding never echoes it", () => {
    const [finding] = findingsFor({ UPSTREAM: "postgres://u:p@ss:w0rd/x@host/db" });
    expect(finding).toMatchObject({ id: "CODE-SEC-007", path: "services[0].env.UPSTREAM" });
    expect(JSON.stringify(finding)).not.toContain("w0rd");
  });
});
