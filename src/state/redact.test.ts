import { describe, expect, it } from "vitest";
import { looksSecret, maskUrlPasswords, REDACTED, redactSecrets, redactText } from "./redact.js";

describe("looksSecret", () => {
  it.each([
    "DB_PASSWORD",
    "POSTGRES_PASSWD",
    "API_KEY",
    "apiKey",
    "STRIPE_SECRET_KEY",
    "GITHUB_TOKEN",
    "accessToken",
    "AWS_SECRET_ACCESS_KEY",
    "GOOGLE_APPLICATION_CREDENTIALS",
    "ssh-private-key",
    "BASIC_AUTH",
    "REDIS_PASS",
  ])("flags %s", (name) => {
    expect(looksSecret(name)).toBe(true);
  });

  it.each(["KEYCLOAK_URL", "MONKEY_MODE", "LOG_LEVEL", "PORT", "keyboardLayout"])("keeps %s", (name) => {
    expect(looksSecret(name)).toBe(false);
  });
});

describe("redactSecrets", () => {
  it("redacts strings and numbers under secret keys and inside secret containers, at any depth", () => {
    const input = {
      services: [{ env: { DB_PASSWORD: "pw", PIN_TOKEN: 1234, PORT: "80" }, public: true }],
      credentials: { username: "admin", nested: ["a", { b: "c" }], enabled: true },
      apiKey: null,
    };
    expect(redactSecrets(input)).toEqual({
      services: [{ env: { DB_PASSWORD: REDACTED, PIN_TOKEN: REDACTED, PORT: "80" }, public: true }],
      credentials: { username: REDACTED, nested: [REDACTED, { b: REDACTED }], enabled: true },
      apiKey: null,
    });
    expect(input.services[0]?.env.DB_PASSWORD).toBe("pw");
  });

  it("masks passwords in URLs anywhere", () => {
    expect(redactSecrets({ url: "redis://:hunter2@cache:6379" })).toEqual({
      url: "redis://:[redacted]@cache:6379",
    });
    expect(maskUrlPasswords("see postgres://app:pw@db/x and amqp://u:p@mq")).toBe(
      "see postgres://app:[redacted]@db/x and amqp://u:[redacted]@mq",
    );
  });
});

describe("redactText", () => {
  it("redacts secret NAME=value and NAME: value pairs and URL passwords, keeping the rest", () => {
    expect(
      redactText('deploy with API_KEY=abc123, password: "two words" and PORT=8080 at mysql://root:pw@db'),
    ).toBe(
      "deploy with API_KEY=[redacted], password: [redacted] and PORT=8080 at mysql://root:[redacted]@db",
    );
  });
});
