/**
 * Issue 18's request, from words to Kubernetes objects: "deploy wordpress
 * with mysql to production on kubernetes with 2 replicas behind
 * https://blog.example.com" gives WordPress its image's port and health path
 * (said as an assumption), a Deployment on port 80, a Service, an Ingress
 * with TLS for the domain, the MySQL credentials under WordPress's own names,
 * and a plan whose ingress step stands for that Ingress.
 */
import { describe, expect, it } from "vitest";
import { interpretRules } from "../intent/index.js";
import { render } from "../render/index.js";
import type { KubeObject } from "../render/types.js";
import { validateSpec } from "../spec/validate.js";
import { buildPlan } from "./build.js";

const WORDS =
  "deploy wordpress with mysql to production on kubernetes with 2 replicas behind https://blog.example.com";

interface Container {
  readonly ports?: { containerPort: number; name: string }[];
  readonly env?: {
    name: string;
    value?: string;
    valueFrom?: { secretKeyRef?: { name: string; key: string } };
  }[];
  readonly readinessProbe?: { httpGet?: { path: string } };
}

function one(objects: readonly KubeObject[], kind: string, name: string): KubeObject {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  expect(found, `${kind} ${name}`).toHaveLength(1);
  return found[0] as KubeObject;
}

describe("wordpress with mysql on kubernetes, from words", () => {
  const result = interpretRules(WORDS);
  const spec = validateSpec(result.spec);
  const objects = render(spec, { secretSeed: "words-seed" }).kubernetes ?? [];

  it("takes the catalogue's port and health path, and says so", () => {
    const web = spec.services.find((s) => s.name === "wordpress");
    expect(web).toMatchObject({
      image: "wordpress",
      port: 80,
      replicas: 2,
      domain: "blog.example.com",
      tls: true,
    });
    expect(web?.healthCheck?.path).toBe("/wp-login.php");
    expect(result.assumptions.some((a) => /port 80.*wordpress image expects/.test(a))).toBe(true);
    expect(spec.databases.map((d) => d.engine)).toEqual(["mysql"]);
  });

  it("renders a Deployment on port 80 with WordPress's own database variables", () => {
    const deployment = one(objects, "Deployment", "wordpress");
    const pod = (deployment.spec as { replicas?: number; template: { spec: { containers: Container[] } } })
      .template.spec;
    const [container] = pod.containers;
    expect(container?.ports?.map((p) => p.containerPort)).toEqual([80]);
    expect(container?.readinessProbe?.httpGet?.path).toBe("/wp-login.php");
    const env = new Map((container?.env ?? []).map((e) => [e.name, e]));
    expect(env.get("WORDPRESS_DB_HOST")?.value).toBe("mysql");
    expect(env.get("WORDPRESS_DB_USER")?.value).toBe("app");
    expect(env.get("WORDPRESS_DB_NAME")?.value).toBe("wordpress");
    const password = env.get("WORDPRESS_DB_PASSWORD");
    expect(password?.value).toBeUndefined();
    expect(password?.valueFrom?.secretKeyRef).toEqual({ name: "mysql-credentials", key: "MYSQL_PASSWORD" });
    // The same Secret the MySQL StatefulSet takes its user's password from (envFrom), which holds that key.
    const mysql = one(objects, "StatefulSet", "mysql");
    expect(JSON.stringify(mysql.spec)).toContain('"envFrom":[{"secretRef":{"name":"mysql-credentials"}}]');
    const secret = one(objects, "Secret", "mysql-credentials") as KubeObject & {
      data?: Record<string, string>;
    };
    expect(Object.keys(secret.data ?? {})).toContain("MYSQL_PASSWORD");
  });

  it("renders a Service on port 80 and an Ingress with TLS for blog.example.com", () => {
    const service = one(objects, "Service", "wordpress");
    expect((service.spec as { ports: { port: number }[] }).ports.map((p) => p.port)).toEqual([80]);
    const ingress = one(objects, "Ingress", "wordpress");
    const s = ingress.spec as {
      tls: { hosts: string[]; secretName: string }[];
      rules: { host: string; http: { paths: { backend: { service: { name: string } } }[] } }[];
    };
    expect(s.tls).toEqual([{ hosts: ["blog.example.com"], secretName: "wordpress-tls" }]);
    expect(s.rules[0]?.host).toBe("blog.example.com");
    expect(s.rules[0]?.http.paths[0]?.backend.service.name).toBe("wordpress");
  });

  it("plans an ingress step for it", () => {
    expect(buildPlan(spec).steps.map((s) => s.id)).toContain("ingress:wordpress");
  });
});
