import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CATALOGUE, catalogueAppOfImage, publicUrlOf } from "./catalogue.js";
import { validateSpec } from "./validate.js";

describe("the catalogue of well-known apps", () => {
  it("has at least 15 apps, the ones issue 18 names among them, each once", () => {
    expect(CATALOGUE.length).toBeGreaterThanOrEqual(15);
    const keys = CATALOGUE.map((a) => a.key);
    for (const k of [
      "wordpress",
      "ghost",
      "nextcloud",
      "gitea",
      "keycloak",
      "grafana",
      "metabase",
      "n8n",
      "umami",
      "mattermost",
      "redmine",
      "nginx",
      "caddy",
      "plausible",
      "uptime-kuma",
    ])
      expect(keys).toContain(k);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(CATALOGUE.map((a) => a.image)).size).toBe(CATALOGUE.length);
  });

  it.each(CATALOGUE.map((a) => [a.key, a] as const))(
    "%s: a source, a valid port and health path, consistent variables",
    (_k, app) => {
      expect(app.source).toMatch(/^https:\/\/[a-z0-9.-]+\.[a-z]{2,}\//);
      // The spec accepts what the interpreter fills in from the entry.
      const spec = validateSpec({
        name: "x",
        services: [
          { name: app.key, image: app.image, port: app.port, healthCheck: { path: app.healthPath } },
        ],
      });
      expect(spec.services[0]?.healthCheck?.path).toBe(app.healthPath);
      const names = [...(app.database?.vars ?? []), ...(app.cache?.vars ?? []), ...(app.self ?? [])].map(
        (v) => v.name,
      );
      for (const n of names) expect(n).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
      expect(new Set(names).size).toBe(names.length);
      for (const v of app.database?.vars ?? []) {
        for (const e of v.engines ?? []) expect(app.database?.engines).toContain(e);
        if ("byEngine" in v.from)
          for (const e of Object.keys(v.from.byEngine)) expect(app.database?.engines).toContain(e);
      }
    },
  );

  it("finds an app by any reference to its image, and nothing else", () => {
    expect(catalogueAppOfImage("wordpress:6.6-apache")?.key).toBe("wordpress");
    expect(catalogueAppOfImage("docker.io/library/wordpress")?.key).toBe("wordpress");
    expect(catalogueAppOfImage("docker.io/gitea/gitea:1.22@sha256:abc")?.key).toBe("gitea");
    expect(catalogueAppOfImage("ghcr.io/umami-software/umami:postgresql-latest")?.key).toBe("umami");
    expect(catalogueAppOfImage("ghcr.io/acme/wordpress:1")).toBeUndefined();
    expect(catalogueAppOfImage(undefined)).toBeUndefined();
  });

  it("gives a service's public URL from its domain and TLS", () => {
    expect(publicUrlOf({ domain: "blog.example.com", tls: true })).toBe("https://blog.example.com");
    expect(publicUrlOf({ domain: "blog.example.com", tls: false })).toBe("http://blog.example.com");
    expect(publicUrlOf({ tls: true })).toBeUndefined();
  });

  it("is listed in the README, one row per app with its image and port", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const start = readme.indexOf("### Well-known apps");
    const section = readme.slice(start, readme.indexOf("\n### ", start + 1));
    const rows = section.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| app"));
    for (const app of CATALOGUE) {
      const row = rows.find((r) =>
        (r.split("|")[1] ?? "")
          .split(",")
          .map((k) => k.trim())
          .includes(app.key),
      );
      expect(row, app.key).toBeDefined();
      expect(row, app.key).toContain(`\`${app.image}\``);
      expect(row, app.key).toContain(`${app.port}, \`${app.healthPath}\``);
    }
  });
});
