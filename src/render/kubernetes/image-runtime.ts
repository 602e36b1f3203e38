/**
 * How a service's container may run on Kubernetes. Our default is the
 * restricted Pod Security profile with a read-only root filesystem, which
 * the user's own images can be built for; but the official images of many
 * well-known apps start as root (to bind :80, or to drop to their own user
 * with gosu/su-exec) or write into their own directories, and would never
 * start under it. The spec's `runAsRoot` / `readOnlyRootFilesystem` win;
 * absent, the image decides from the tables below.
 */
import { imageRepository } from "../../spec/images.js";
import type { Service } from "../../spec/schema.js";

export { imageRepository };

export interface ContainerRuntime {
  /** The image may start as root: baseline profile with the default capabilities it needs, not restricted. */
  readonly root: boolean;
  readonly readOnlyRootFilesystem: boolean;
  /** Why, in words, when it departs from the default (for an annotation). */
  readonly reason?: string;
}

/** Official images known to start as root (checked against their Dockerfiles' USER / entrypoints). */
const ROOT_IMAGES: ReadonlySet<string> = new Set([
  "nginx",
  "httpd",
  "wordpress",
  "drupal",
  "joomla",
  "nextcloud",
  "matomo",
  "mediawiki",
  "phpmyadmin",
  "ghost",
  "redmine",
  "caddy",
  "traefik",
  "tomcat",
  "minio/minio",
  "gitea/gitea",
  "gitlab/gitlab-ce",
  "discourse/discourse",
  "vaultwarden/server",
  "louislam/uptime-kuma",
  "kennethreitz/httpbin",
  "portainer/portainer-ce",
  "lscr.io/linuxserver/bookstack",
  "ghcr.io/home-assistant/home-assistant",
]);

/** Third-party images that run as a non-root user but write into their own directories. */
const WRITABLE_IMAGES: ReadonlySet<string> = new Set([
  "grafana/grafana",
  "quay.io/keycloak/keycloak",
  "metabase/metabase",
  "prom/prometheus",
  "jenkins/jenkins",
  "mattermost/mattermost-team-edition",
  "n8nio/n8n",
  "sonarqube",
  "odoo",
  "haproxy",
  "adminer",
  "dpage/pgadmin4",
  "nodered/node-red",
  "grafana/loki",
  "jaegertracing/all-in-one",
  "docker.elastic.co/elasticsearch/elasticsearch",
  "docker.elastic.co/kibana/kibana",
  "opensearchproject/opensearch",
  "apache/airflow",
  "apache/superset",
  "jupyter/base-notebook",
]);

export function containerRuntime(s: Service): ContainerRuntime {
  const repo = s.image === undefined ? undefined : imageRepository(s.image);
  const rootImage = repo !== undefined && ROOT_IMAGES.has(repo);
  const writableImage = rootImage || (repo !== undefined && WRITABLE_IMAGES.has(repo));
  const root = s.runAsRoot ?? rootImage;
  const readOnlyRootFilesystem = s.readOnlyRootFilesystem ?? !writableImage;
  const reasons = [
    s.runAsRoot === undefined && rootImage ? `${repo} starts as root` : "",
    s.readOnlyRootFilesystem === undefined && writableImage ? `${repo} writes to its own directories` : "",
  ].filter(Boolean);
  return {
    root,
    readOnlyRootFilesystem,
    ...(reasons.length > 0
      ? {
          reason: `${reasons.join(" and ")}; set runAsRoot / readOnlyRootFilesystem in the spec to change it`,
        }
      : {}),
  };
}
