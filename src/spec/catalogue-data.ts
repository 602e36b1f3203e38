/**
 * The entries of the catalogue (catalogue.ts), each with the page its port,
 * health path and variable names were read from. A database host is handed
 * over without its port where the image defaults to the engine's own port
 * (3306, 5432), which is the port every target's database listens on.
 */
import type { AppVar, CatalogueApp, CatalogueEngine, CataloguePart } from "./catalogue.js";

const v = (name: string, part: CataloguePart, engines?: readonly CatalogueEngine[]): AppVar => ({
  name,
  from: { part },
  ...(engines ? { engines } : {}),
});
const constant = (name: string, value: string): AppVar => ({ name, from: { value } });
const byEngine = (name: string, values: Partial<Record<CatalogueEngine, string>>): AppVar => ({
  name,
  from: { byEngine: values },
});
const publicUrl = (name: string): AppVar => ({ name, from: { service: "publicUrl" } });

const MYSQL: readonly CatalogueEngine[] = ["mysql", "mariadb"];
const SQL: readonly CatalogueEngine[] = ["postgres", "mysql", "mariadb"];

export const CATALOGUE_DATA: readonly CatalogueApp[] = [
  {
    key: "wordpress",
    image: "wordpress",
    port: 80,
    healthPath: "/wp-login.php",
    database: {
      engines: MYSQL,
      required: true,
      vars: [
        v("WORDPRESS_DB_HOST", "host"),
        v("WORDPRESS_DB_USER", "user"),
        v("WORDPRESS_DB_PASSWORD", "password"),
        v("WORDPRESS_DB_NAME", "name"),
      ],
    },
    source: "https://hub.docker.com/_/wordpress",
  },
  {
    key: "ghost",
    image: "ghost",
    port: 2368,
    healthPath: "/ghost/api/admin/site/",
    database: {
      engines: ["mysql"],
      required: true,
      vars: [
        byEngine("database__client", { mysql: "mysql" }),
        v("database__connection__host", "host"),
        v("database__connection__port", "port"),
        v("database__connection__user", "user"),
        v("database__connection__password", "password"),
        v("database__connection__database", "name"),
      ],
    },
    self: [publicUrl("url")],
    source: "https://hub.docker.com/_/ghost (https://ghost.org/docs/config/#configuration-options)",
  },
  {
    key: "nextcloud",
    image: "nextcloud",
    port: 80,
    healthPath: "/status.php",
    database: {
      engines: ["mariadb", "mysql", "postgres"],
      required: false,
      vars: [
        v("MYSQL_HOST", "host", MYSQL),
        v("MYSQL_DATABASE", "name", MYSQL),
        v("MYSQL_USER", "user", MYSQL),
        v("MYSQL_PASSWORD", "password", MYSQL),
        v("POSTGRES_HOST", "host", ["postgres"]),
        v("POSTGRES_DB", "name", ["postgres"]),
        v("POSTGRES_USER", "user", ["postgres"]),
        v("POSTGRES_PASSWORD", "password", ["postgres"]),
      ],
    },
    cache: {
      engines: [],
      required: false,
      vars: [v("REDIS_HOST", "host"), v("REDIS_HOST_PORT", "port"), v("REDIS_HOST_PASSWORD", "password")],
    },
    self: [{ name: "NEXTCLOUD_TRUSTED_DOMAINS", from: { service: "domain" } }],
    source:
      "https://hub.docker.com/_/nextcloud (https://github.com/nextcloud/docker#auto-configuration-via-environment-variables)",
  },
  {
    key: "gitea",
    image: "gitea/gitea",
    port: 3000,
    healthPath: "/api/healthz",
    database: {
      engines: SQL,
      required: false,
      vars: [
        byEngine("GITEA__database__DB_TYPE", { postgres: "postgres", mysql: "mysql", mariadb: "mysql" }),
        v("GITEA__database__HOST", "host"),
        v("GITEA__database__NAME", "name"),
        v("GITEA__database__USER", "user"),
        v("GITEA__database__PASSWD", "password"),
        {
          name: "GITEA__database__SSL_MODE",
          from: { tls: { on: "require", off: "disable" } },
          engines: ["postgres"],
        },
      ],
    },
    self: [publicUrl("GITEA__server__ROOT_URL")],
    source:
      "https://docs.gitea.com/installation/install-with-docker (SSL_MODE: https://docs.gitea.com/administration/config-cheat-sheet#database-database)",
  },
  {
    key: "keycloak",
    image: "quay.io/keycloak/keycloak",
    port: 8080,
    healthPath: "/realms/master",
    database: {
      engines: SQL,
      required: false,
      vars: [
        byEngine("KC_DB", { postgres: "postgres", mysql: "mysql", mariadb: "mariadb" }),
        v("KC_DB_URL_HOST", "host"),
        v("KC_DB_URL_PORT", "port"),
        v("KC_DB_URL_DATABASE", "name"),
        v("KC_DB_USERNAME", "user"),
        v("KC_DB_PASSWORD", "password"),
      ],
    },
    self: [publicUrl("KC_HOSTNAME")],
    // Every target terminates TLS at its proxy (ingress, load balancer) and forwards plain HTTP.
    start: {
      production: ["start", "--http-enabled=true", "--proxy-headers=xforwarded"],
      other: ["start-dev"],
      withoutDomain: ["--hostname-strict=false"],
    },
    needs: "KC_BOOTSTRAP_ADMIN_USERNAME / KC_BOOTSTRAP_ADMIN_PASSWORD for the first admin",
    source:
      "https://www.keycloak.org/server/all-config (database options; https://www.keycloak.org/server/containers, https://www.keycloak.org/server/reverseproxy)",
  },
  {
    key: "grafana",
    image: "grafana/grafana",
    port: 3000,
    healthPath: "/api/health",
    database: {
      engines: SQL,
      required: false,
      vars: [
        byEngine("GF_DATABASE_TYPE", { postgres: "postgres", mysql: "mysql", mariadb: "mysql" }),
        v("GF_DATABASE_HOST", "host"),
        v("GF_DATABASE_NAME", "name"),
        v("GF_DATABASE_USER", "user"),
        v("GF_DATABASE_PASSWORD", "password"),
        {
          name: "GF_DATABASE_SSL_MODE",
          from: { tls: { on: "require", off: "disable" } },
          engines: ["postgres"],
        },
      ],
    },
    self: [publicUrl("GF_SERVER_ROOT_URL")],
    source:
      "https://grafana.com/docs/grafana/latest/setup-grafana/configure-grafana/#database (GF_<SECTION>_<KEY>)",
  },
  {
    key: "metabase",
    image: "metabase/metabase",
    port: 3000,
    healthPath: "/api/health",
    database: {
      engines: SQL,
      required: false,
      vars: [
        byEngine("MB_DB_TYPE", { postgres: "postgres", mysql: "mysql", mariadb: "mysql" }),
        v("MB_DB_HOST", "host"),
        v("MB_DB_PORT", "port"),
        v("MB_DB_DBNAME", "name"),
        v("MB_DB_USER", "user"),
        v("MB_DB_PASS", "password"),
      ],
    },
    source:
      "https://www.metabase.com/docs/latest/installation-and-operation/configuring-application-database",
  },
  {
    key: "n8n",
    image: "n8nio/n8n",
    port: 5678,
    healthPath: "/healthz",
    database: {
      engines: ["postgres"],
      required: false,
      vars: [
        constant("DB_TYPE", "postgresdb"),
        v("DB_POSTGRESDB_HOST", "host"),
        v("DB_POSTGRESDB_PORT", "port"),
        v("DB_POSTGRESDB_DATABASE", "name"),
        v("DB_POSTGRESDB_USER", "user"),
        v("DB_POSTGRESDB_PASSWORD", "password"),
      ],
    },
    self: [publicUrl("WEBHOOK_URL")],
    source: "https://docs.n8n.io/hosting/configuration/supported-databases-settings/",
  },
  {
    key: "umami",
    image: "ghcr.io/umami-software/umami",
    port: 3000,
    healthPath: "/api/heartbeat",
    database: {
      engines: ["postgres", "mysql"],
      required: true,
      vars: [v("DATABASE_URL", "url"), byEngine("DATABASE_TYPE", { postgres: "postgresql", mysql: "mysql" })],
    },
    needs: "APP_SECRET (a random string)",
    source: "https://umami.is/docs/install (https://umami.is/docs/environment-variables)",
  },
  {
    key: "mattermost",
    image: "mattermost/mattermost-team-edition",
    port: 8065,
    healthPath: "/api/v4/system/ping",
    database: {
      engines: ["postgres"],
      required: true,
      vars: [constant("MM_SQLSETTINGS_DRIVERNAME", "postgres"), v("MM_SQLSETTINGS_DATASOURCE", "url")],
    },
    self: [publicUrl("MM_SERVICESETTINGS_SITEURL")],
    source:
      "https://docs.mattermost.com/configure/environment-configuration-settings.html (MM_SQLSETTINGS_*)",
  },
  {
    key: "redmine",
    image: "redmine",
    port: 3000,
    healthPath: "/",
    database: {
      engines: SQL,
      required: false,
      vars: [
        v("REDMINE_DB_MYSQL", "host", MYSQL),
        v("REDMINE_DB_POSTGRES", "host", ["postgres"]),
        v("REDMINE_DB_PORT", "port"),
        v("REDMINE_DB_USERNAME", "user"),
        v("REDMINE_DB_PASSWORD", "password"),
        v("REDMINE_DB_DATABASE", "name"),
      ],
    },
    source: "https://hub.docker.com/_/redmine",
  },
  { key: "nginx", image: "nginx", port: 80, healthPath: "/", source: "https://hub.docker.com/_/nginx" },
  { key: "caddy", image: "caddy", port: 80, healthPath: "/", source: "https://hub.docker.com/_/caddy" },
  { key: "httpd", image: "httpd", port: 80, healthPath: "/", source: "https://hub.docker.com/_/httpd" },
  {
    key: "plausible",
    image: "ghcr.io/plausible/community-edition",
    port: 8000,
    healthPath: "/api/health",
    database: { engines: ["postgres"], required: true, vars: [v("DATABASE_URL", "url")] },
    self: [publicUrl("BASE_URL")],
    needs: "SECRET_KEY_BASE and CLICKHOUSE_DATABASE_URL (a ClickHouse server, which CODE does not run)",
    source: "https://github.com/plausible/community-edition (compose.yml, plausible-conf.env)",
  },
  {
    key: "uptime-kuma",
    image: "louislam/uptime-kuma",
    port: 3001,
    healthPath: "/",
    source:
      "https://github.com/louislam/uptime-kuma/wiki/%F0%9F%94%A7-How-to-Install (docker run -p 3001:3001)",
  },
  {
    key: "vaultwarden",
    image: "vaultwarden/server",
    port: 80,
    healthPath: "/alive",
    database: { engines: SQL, required: false, vars: [v("DATABASE_URL", "url")] },
    self: [publicUrl("DOMAIN")],
    source: "https://github.com/dani-garcia/vaultwarden/wiki/Using-the-PostgreSQL-Backend",
  },
  {
    key: "directus",
    image: "directus/directus",
    port: 8055,
    healthPath: "/server/health",
    database: {
      engines: SQL,
      required: false,
      vars: [
        byEngine("DB_CLIENT", { postgres: "pg", mysql: "mysql", mariadb: "mysql" }),
        v("DB_HOST", "host"),
        v("DB_PORT", "port"),
        v("DB_DATABASE", "name"),
        v("DB_USER", "user"),
        v("DB_PASSWORD", "password"),
      ],
    },
    cache: { engines: [], required: false, vars: [v("REDIS", "url")] },
    self: [publicUrl("PUBLIC_URL")],
    needs: "SECRET (a random string)",
    source: "https://docs.directus.io/self-hosted/config-options.html (Database, Redis)",
  },
  {
    key: "matomo",
    image: "matomo",
    port: 80,
    healthPath: "/",
    database: {
      engines: MYSQL,
      required: true,
      vars: [
        v("MATOMO_DATABASE_HOST", "host"),
        constant("MATOMO_DATABASE_ADAPTER", "mysql"),
        v("MATOMO_DATABASE_USERNAME", "user"),
        v("MATOMO_DATABASE_PASSWORD", "password"),
        v("MATOMO_DATABASE_DBNAME", "name"),
      ],
    },
    source: "https://hub.docker.com/_/matomo",
  },
  {
    key: "joomla",
    image: "joomla",
    port: 80,
    healthPath: "/",
    database: {
      engines: MYSQL,
      required: true,
      vars: [
        v("JOOMLA_DB_HOST", "host"),
        v("JOOMLA_DB_USER", "user"),
        v("JOOMLA_DB_PASSWORD", "password"),
        v("JOOMLA_DB_NAME", "name"),
      ],
    },
    source: "https://hub.docker.com/_/joomla",
  },
  {
    key: "hasura",
    image: "hasura/graphql-engine",
    port: 8080,
    healthPath: "/healthz",
    database: { engines: ["postgres"], required: true, vars: [v("HASURA_GRAPHQL_DATABASE_URL", "url")] },
    source: "https://hasura.io/docs/latest/deployment/graphql-engine-flags/reference/",
  },
  {
    key: "odoo",
    image: "odoo",
    port: 8069,
    healthPath: "/web/health",
    database: {
      engines: ["postgres"],
      required: true,
      vars: [v("HOST", "host"), v("PORT", "port"), v("USER", "user"), v("PASSWORD", "password")],
    },
    source: "https://hub.docker.com/_/odoo",
  },
];
