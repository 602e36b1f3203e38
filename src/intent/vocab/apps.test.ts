import { describe, expect, it } from "vitest";
import { tokenize } from "../tokens/tokenizer.js";
import { APP_PHRASES, appOfImage, knownApp } from "./apps.js";

const LISTED =
  `wordpress nginx grafana ghost keycloak metabase httpd caddy traefik prometheus jenkins gitea nextcloud mattermost
  minio n8n uptime-kuma redmine drupal joomla odoo superset plausible sonarqube vault consul adminer pgadmin phpmyadmin
  mediawiki discourse`.split(/\s+/);

describe("well-known apps", () => {
  it.each(LISTED)("%s has a public image whose reference contains its name", (key) => {
    const app = knownApp(key);
    expect(app, key).toBeDefined();
    expect(app?.image.replace(/-/g, "")).toContain(key.replace(/-/g, ""));
  });

  it("rocket.chat keeps its name", () => {
    expect(knownApp("rocket-chat")?.image).toContain("rocket.chat");
  });

  it("finds apps by their written names and aliases", () => {
    const key = (text: string) => APP_PHRASES.at(tokenize(text), 0)?.value;
    expect(key("WordPress")).toBe("wordpress");
    expect(key("uptime kuma")).toBe("uptime-kuma");
    expect(key("uptime-kuma")).toBe("uptime-kuma");
    expect(key("Apache httpd")).toBe("httpd");
    expect(key("rocket.chat")).toBe("rocket-chat");
  });

  it("knows the app of an image reference", () => {
    expect(appOfImage("docker.io/library/nginx:1.27")?.key).toBe("nginx");
    expect(appOfImage("acme/shop:2")).toBeUndefined();
  });
});
