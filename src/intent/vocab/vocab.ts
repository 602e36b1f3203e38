/**
 * The nouns of the grammar: service roles, frameworks, data engines and their
 * generic words. Phrases are written over normalized words (see lexicon.ts).
 */
import type { CacheEngine, Cloud, DatabaseEngine, QueueEngine } from "../../spec/schema.js";
import { table, words } from "../tokens/phrases.js";

export type Role = "web" | "frontend" | "api" | "backend" | "worker" | "cron" | "job" | "proxy" | "weak";

export const SERVICE_NOUNS = table<Role>("vocab.SERVICE_NOUNS", {
  "web app|web application|webapp|web site|website|site|web server|webserver|web service|web|homepage|landing page":
    "web",
  "web frontend|frontend|front end|ui|user interface|spa|single page app|single page application|web ui|dashboard app|dashboard|admin dashboard|admin panel|admin ui|admin console|backoffice|back office":
    "frontend",
  "api|rest api|restful api|graphql api|api server|api service|backend api|http api|json api|grpc api|grpc service|api backend|rest service":
    "api",
  "backend|back end|backend service|backend server|backend app": "backend",
  "worker|background worker|queue worker|job worker|consumer|subscriber|queue consumer|message consumer|event consumer|background process|background service|background task|daemon|job processor|task processor|celery|celery worker|sidekiq|resque|rq worker|bullmq worker|task runner|processor|listener":
    "worker",
  "cron|cron job|cronjob|crontab|scheduled job|scheduled task|periodic job|periodic task|recurring job|recurring task|scheduled worker|scheduler":
    "cron",
  "job|batch job|background job|task": "job",
  "reverse proxy|proxy|load balancer|gateway|api gateway": "proxy",
  "app|application|server|service|microservice|micro service|program|bot": "weak",
});

export const ROLE_NAMES: Record<Exclude<Role, "weak">, string> = {
  web: "web",
  frontend: "frontend",
  api: "api",
  backend: "backend",
  worker: "worker",
  cron: "cron",
  job: "job",
  proxy: "proxy",
};

/** Frameworks and languages: modifiers of a service noun; some also stand alone. */
export const FRAMEWORKS = table<Role | "modifier">("vocab.FRAMEWORKS", {
  "django|rails|ruby on rails|laravel|symfony|flask|spring boot|phoenix|wagtail|streamlit|gradio|dash|quarkus":
    "web",
  "fastapi|express|express.js|nestjs|nest.js|gin|fiber|actix|axum|graphql|hapi|koa": "api",
  "react|vue|vue.js|angular|svelte|sveltekit|next.js|nextjs|nuxt|nuxt.js|gatsby|astro|remix|vite|react.js|hugo|jekyll":
    "frontend",
  "node|node.js|nodejs|deno|bun|go|golang|rust|java|spring|kotlin|scala|dotnet|asp.net|python|ruby|php|elixir|typescript|javascript|js|ts|csharp|perl|clojure|haskell|python3|docker|dockerized|containerized|stateless|custom|hello world|demo|sample|static|wsgi|gunicorn|uvicorn|puma|unicorn|pm2|express js":
    "modifier",
});

export type DataGroup = "databases" | "caches" | "queues" | "buckets";
export type DataEngine = DatabaseEngine | CacheEngine | QueueEngine;

export interface DataWord {
  readonly group: DataGroup;
  readonly engine?: DataEngine;
  /** A managed service of one cloud (RDS, Cloud SQL...). */
  readonly managed?: Exclude<Cloud, "local">;
  /** The engine the words name is not one the spec supports. */
  readonly unsupported?: string;
  /** A generic noun ("database", "cache"), merged into an engine named next to it. */
  readonly generic?: boolean;
}

const db = (engine?: DatabaseEngine, extra: Partial<DataWord> = {}): DataWord => ({
  group: "databases",
  ...(engine ? { engine } : { generic: true }),
  ...extra,
});
const cache = (engine?: CacheEngine, extra: Partial<DataWord> = {}): DataWord => ({
  group: "caches",
  ...(engine ? { engine } : { generic: true }),
  ...extra,
});
const queue = (engine?: QueueEngine, extra: Partial<DataWord> = {}): DataWord => ({
  group: "queues",
  ...(engine ? { engine } : { generic: true }),
  ...extra,
});
const bucket = (extra: Partial<DataWord> = {}): DataWord => ({ group: "buckets", ...extra });

export const DATA_NOUNS = table<DataWord>("vocab.DATA_NOUNS", [
  [
    "database|db|rdbms|sql database|relational database|sql db|data base|base de data|base of data|datastore|data store|sql",
    db(),
  ],
  ["postgres|pg|postgis|timescaledb|timescale|postgres sql|aurora postgres", db("postgres")],
  ["mysql|my sql|aurora mysql|percona", db("mysql")],
  ["mariadb|maria db|maria", db("mariadb")],
  [
    "mongodb|mongo db|nosql database|nosql db|nosql|document database|document db|document store",
    db("mongodb"),
  ],
  ["documentdb", db("mongodb", { managed: "aws" })],
  ["cosmos|cosmosdb|cosmos db|azure cosmos db", db("mongodb", { managed: "azure" })],
  ["rds|amazon rds|aws rds|aurora", db(undefined, { managed: "aws" })],
  ["cloud sql|cloudsql|google cloud sql", db(undefined, { managed: "gcp" })],
  ["azure database|azure sql", db(undefined, { managed: "azure" })],
  ["sqlite", db(undefined, { unsupported: "SQLite" })],
  ["dynamodb|dynamo db|dynamo", db(undefined, { unsupported: "DynamoDB", managed: "aws" })],
  ["sql server|mssql|microsoft sql server", db(undefined, { unsupported: "SQL Server" })],
  ["cassandra|scylla|scylladb", db(undefined, { unsupported: "Cassandra" })],
  [
    "cache|caching|cache layer|caching layer|in memory cache|in memory store|key value store|kv store|session store|cache server",
    cache(),
  ],
  ["redis|redis cache|redis stack|keydb|dragonfly|dragonflydb", cache("redis")],
  ["memcached", cache("memcached")],
  ["valkey", cache("valkey")],
  ["elasticache|amazon elasticache", cache(undefined, { managed: "aws" })],
  ["memorystore", cache(undefined, { managed: "gcp" })],
  ["azure cache", cache(undefined, { managed: "azure" })],
  [
    "queue|message queue|message broker|broker|event bus|mq|messaging|job queue|task queue|work queue|message bus|queueing|queuing",
    queue(),
  ],
  ["rabbitmq|rabbit mq|amqp|lavinmq", queue("rabbitmq")],
  ["nats|jetstream|nats jetstream|nats streaming", queue("nats")],
  ["kafka|apache kafka|redpanda|event stream|event streaming|kafka topic", queue("kafka")],
  ["msk|amazon msk", queue("kafka", { managed: "aws" })],
  ["sqs|amazon sqs|aws sqs|simple queue service|sqs queue", queue("sqs", { managed: "aws" })],
  ["pub sub|pubsub|google pub sub", queue(undefined, { managed: "gcp", unsupported: "Pub/Sub" })],
  ["service bus|azure service bus", queue(undefined, { managed: "azure", unsupported: "Service Bus" })],
  ["event hub|event hubs", queue("kafka", { managed: "azure" })],
  [
    "bucket|object storage|object store|storage bucket|blob|blob container|file storage|file store|asset storage",
    bucket(),
  ],
  ["s3|s3 bucket|amazon s3|aws s3", bucket({ managed: "aws" })],
  ["gcs|google cloud storage|gcs bucket|cloud storage bucket", bucket({ managed: "gcp" })],
  [
    "blob storage|blob store|azure blob|azure blob storage|azure storage|storage account|storage container",
    bucket({ managed: "azure" }),
  ],
]);

/** Nouns that may follow an engine word and belong to it ("postgres instance", "kafka cluster"). */
export const ENGINE_TAILS = words(
  "database db instance server cluster service container node cache queue broker store bucket storage topic deployment backend",
);

/** Adjectives and fillers that may sit between a count or article and a noun. */
export const NOUN_ADJECTIVES = words(
  "new small simple separate dedicated single tiny big large basic little shared managed extra additional another second third more other main primary secondary standalone own persistent central internal private public secure highly available replicated",
);
