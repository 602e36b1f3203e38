import { describe, expect, it } from "vitest";
import { CATALOGUE } from "../../spec/catalogue.js";
import { validateSpec } from "../../spec/validate.js";
import { interpretRules } from "../rules-interpreter.js";
import { knownApp } from "../vocab/apps.js";

describe("a well-known app takes its image's port and health path from the catalogue", () => {
  it("fills both when the words give neither, and says where they come from", () => {
    const r = interpretRules("deploy ghost with mysql to staging behind https://blog.example.com");
    const ghost = r.spec.services.find((s) => s.image === "ghost");
    expect(ghost?.port).toBe(2368);
    expect(ghost?.healthCheck?.path).toBe("/ghost/api/admin/site/");
    expect(r.assumptions.find((a) => a.includes("ghost image expects"))).toContain(
      "https://hub.docker.com/_/ghost",
    );
  });

  it("keeps a port or health path the words give", () => {
    const r = interpretRules("deploy nginx on port 8080 with health check /healthz");
    const nginx = r.spec.services.find((s) => s.image === "nginx");
    expect(nginx?.port).toBe(8080);
    expect(nginx?.healthCheck?.path).toBe("/healthz");
    expect(r.assumptions.some((a) => a.includes("image expects"))).toBe(false);
  });

  it("fills them for the app's image named with a tag", () => {
    const r = interpretRules("run gitea/gitea:1.22 with postgres");
    const gitea = r.spec.services.find((s) => s.image === "gitea/gitea:1.22");
    expect(gitea).toMatchObject({ port: 3000, healthCheck: { path: "/api/healthz" } });
  });

  it("starts Keycloak in dev mode outside production, and behind the proxy in production", () => {
    const keycloak = (words: string) => {
      const r = interpretRules(words);
      const svc = r.spec.services.find((s) => s.image === "quay.io/keycloak/keycloak");
      return { args: svc?.args, said: r.assumptions.find((a) => a.includes("keycloak image expects")) };
    };
    expect(keycloak("deploy keycloak with postgres to staging").args).toEqual(["start-dev"]);
    const prod = keycloak("deploy keycloak with postgres to production behind https://auth.example.com");
    expect(prod.args).toEqual(["start", "--http-enabled=true", "--proxy-headers=xforwarded"]);
    expect(prod.said).toContain("started with `start --http-enabled=true --proxy-headers=xforwarded`");
    // Without a domain there is no KC_HOSTNAME to check requests against.
    expect(keycloak("deploy keycloak with postgres to production").args).toContain("--hostname-strict=false");
    // Apps whose image starts by itself get no arguments.
    const r = interpretRules("deploy ghost with mysql to production");
    expect(r.spec.services.find((s) => s.image === "ghost")?.args).toBeUndefined();
  });

  it("leaves an image outside the catalogue without a port", () => {
    const r = interpretRules("deploy the shop (image ghcr.io/acme/shop:1.4) to staging");
    expect(r.spec.services[0]?.port).toBeUndefined();
    expect(r.spec.services[0]?.healthCheck).toBeUndefined();
  });

  it("never changes a running service of an amended spec", () => {
    const base = validateSpec({
      name: "blog",
      environment: "staging",
      services: [{ name: "wordpress", image: "wordpress", replicas: 1 }],
      databases: [{ name: "mysql", engine: "mysql" }],
    });
    const r = interpretRules("scale wordpress to 3 replicas", { base });
    const wp = r.spec.services.find((s) => s.name === "wordpress");
    expect(wp?.replicas).toBe(3);
    expect(wp?.port).toBeUndefined();
    expect(wp?.healthCheck).toBeUndefined();
  });

  it("says when the app's database is missing or of an engine its image cannot read", () => {
    const none = interpretRules("deploy wordpress to staging");
    expect(none.assumptions.some((a) => a.includes("needs a mysql or mariadb database"))).toBe(true);
    const wrong = interpretRules("deploy ghost with postgres to staging");
    expect(wrong.assumptions.some((a) => a.includes("reads mysql, not postgres"))).toBe(true);
    const right = interpretRules("deploy wordpress with mysql to staging");
    expect(right.assumptions.some((a) => /needs a|reads .*, not/.test(a))).toBe(false);
    // An app that does without a database (gitea's own SQLite) is not told to add one.
    const optional = interpretRules("deploy gitea to staging");
    expect(optional.assumptions.some((a) => a.includes("needs a"))).toBe(false);
  });

  it.each(CATALOGUE.map((a) => [a.key, a.image] as const))(
    "%s: the words' app runs the catalogue's image",
    (key, image) => {
      expect(knownApp(key)?.image).toBe(image);
    },
  );
});
