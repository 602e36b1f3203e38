/**
 * Well-known applications and their usual public images. Every image
 * reference contains the application's name, so a reader (or a check) can
 * tell which app a service runs. Keys are the service names they get.
 */
import { table } from "../tokens/phrases.js";

export interface KnownApp {
  readonly key: string;
  readonly image: string;
  /** Port the image listens on by default (informational: the port the interpreter fills in comes from spec/catalogue.ts). */
  readonly port?: number;
}

const APPS: readonly KnownApp[] = [
  { key: "wordpress", image: "wordpress", port: 80 },
  { key: "nginx", image: "nginx", port: 80 },
  { key: "grafana", image: "grafana/grafana", port: 3000 },
  { key: "ghost", image: "ghost", port: 2368 },
  { key: "keycloak", image: "quay.io/keycloak/keycloak", port: 8080 },
  { key: "metabase", image: "metabase/metabase", port: 3000 },
  { key: "httpd", image: "httpd", port: 80 },
  { key: "caddy", image: "caddy", port: 80 },
  { key: "traefik", image: "traefik", port: 80 },
  { key: "prometheus", image: "prom/prometheus", port: 9090 },
  { key: "jenkins", image: "jenkins/jenkins", port: 8080 },
  { key: "gitea", image: "gitea/gitea", port: 3000 },
  { key: "gitlab", image: "gitlab/gitlab-ce", port: 80 },
  { key: "nextcloud", image: "nextcloud", port: 80 },
  { key: "mattermost", image: "mattermost/mattermost-team-edition", port: 8065 },
  { key: "minio", image: "minio/minio", port: 9000 },
  { key: "n8n", image: "n8nio/n8n", port: 5678 },
  { key: "uptime-kuma", image: "louislam/uptime-kuma", port: 3001 },
  { key: "redmine", image: "redmine", port: 3000 },
  { key: "drupal", image: "drupal", port: 80 },
  { key: "joomla", image: "joomla", port: 80 },
  { key: "odoo", image: "odoo", port: 8069 },
  { key: "superset", image: "apache/superset", port: 8088 },
  { key: "plausible", image: "ghcr.io/plausible/community-edition", port: 8000 },
  { key: "sonarqube", image: "sonarqube", port: 9000 },
  { key: "vault", image: "hashicorp/vault", port: 8200 },
  { key: "consul", image: "hashicorp/consul", port: 8500 },
  { key: "adminer", image: "adminer", port: 8080 },
  { key: "pgadmin", image: "dpage/pgadmin4", port: 80 },
  { key: "phpmyadmin", image: "phpmyadmin", port: 80 },
  { key: "mediawiki", image: "mediawiki", port: 80 },
  { key: "discourse", image: "discourse/discourse", port: 80 },
  { key: "rocket-chat", image: "rocket.chat", port: 3000 },
  { key: "elasticsearch", image: "docker.elastic.co/elasticsearch/elasticsearch:8.15.0", port: 9200 },
  { key: "opensearch", image: "opensearchproject/opensearch", port: 9200 },
  { key: "kibana", image: "docker.elastic.co/kibana/kibana:8.15.0", port: 5601 },
  { key: "portainer", image: "portainer/portainer-ce", port: 9000 },
  { key: "strapi", image: "strapi/strapi", port: 1337 },
  { key: "directus", image: "directus/directus", port: 8055 },
  { key: "umami", image: "ghcr.io/umami-software/umami", port: 3000 },
  { key: "matomo", image: "matomo", port: 80 },
  { key: "jupyter", image: "jupyter/base-notebook", port: 8888 },
  { key: "airflow", image: "apache/airflow", port: 8080 },
  { key: "tomcat", image: "tomcat", port: 8080 },
  { key: "haproxy", image: "haproxy", port: 80 },
  { key: "kong", image: "kong", port: 8000 },
  { key: "node-red", image: "nodered/node-red", port: 1880 },
  { key: "vaultwarden", image: "vaultwarden/server", port: 80 },
  { key: "hasura", image: "hasura/graphql-engine", port: 8080 },
  { key: "jaeger", image: "jaegertracing/all-in-one", port: 16686 },
  { key: "loki", image: "grafana/loki", port: 3100 },
  { key: "sentry", image: "sentry", port: 9000 },
  { key: "mastodon", image: "ghcr.io/mastodon/mastodon", port: 3000 },
  { key: "bookstack", image: "lscr.io/linuxserver/bookstack", port: 80 },
  { key: "wikijs", image: "ghcr.io/requarks/wiki", port: 3000 },
  { key: "mailhog", image: "mailhog/mailhog", port: 8025 },
  { key: "whoami", image: "traefik/whoami", port: 80 },
  { key: "httpbin", image: "kennethreitz/httpbin", port: 80 },
  { key: "home-assistant", image: "ghcr.io/home-assistant/home-assistant", port: 8123 },
  { key: "posthog", image: "posthog/posthog", port: 8000 },
  { key: "appsmith", image: "appsmith/appsmith-ce", port: 80 },
  { key: "budibase", image: "budibase/budibase", port: 80 },
  { key: "nocodb", image: "nocodb/nocodb", port: 8080 },
  { key: "outline", image: "outlinewiki/outline", port: 3000 },
  { key: "zammad", image: "zammad/zammad-docker-compose", port: 8080 },
];

const byKey = new Map(APPS.map((a) => [a.key, a]));

/** Extra ways people write the names (phrases over normalized words). */
const ALIASES: Record<string, string> = {
  "apache httpd|apache web server|apache http server|apache2": "httpd",
  "rocket chat|rocketchat|rocket.chat": "rocket-chat",
  "uptime kuma|uptimekuma": "uptime-kuma",
  "pg admin|pgadmin4": "pgadmin",
  "php my admin": "phpmyadmin",
  "node red|nodered": "node-red",
  "open search": "opensearch",
  "elastic search": "elasticsearch",
  "wiki.js|wiki js": "wikijs",
  "home assistant": "home-assistant",
  "sonar qube|sonar": "sonarqube",
  "hashicorp vault": "vault",
  "gitlab ce": "gitlab",
  "jupyterhub|jupyter notebook|jupyterlab": "jupyter",
  "apache superset": "superset",
  "apache airflow": "airflow",
  "apache tomcat": "tomcat",
  "ghost cms": "ghost",
};

export const APP_PHRASES = table<string>("apps.APP_PHRASES", [
  ...APPS.filter((a) => !["outline", "elastic", "sentry", "kong", "vault", "consul"].includes(a.key)).map(
    (a) => [a.key.replace(/-/g, " "), a.key] as const,
  ),
  ["outline wiki", "outline"],
  ["sentry", "sentry"],
  ["kong gateway|kong", "kong"],
  ["vault", "vault"],
  ["consul", "consul"],
  ...Object.entries(ALIASES),
]);

export function knownApp(key: string): KnownApp | undefined {
  return byKey.get(key);
}

/** The app whose name an image reference carries ("library/nginx:1.27" -> nginx). */
export function appOfImage(image: string): KnownApp | undefined {
  const repo = image.replace(/@.*$/, "").replace(/:[^/:]*$/, "");
  const last = repo.slice(repo.lastIndexOf("/") + 1);
  return byKey.get(last);
}
