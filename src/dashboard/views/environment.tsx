/** One app + environment: what runs, its resource tree with health, endpoints, drift, and the current spec. */
import type { EnvironmentView } from "../../service/types.js";
import type { DeploymentSpec } from "../../spec/schema.js";
import type { DriftEventPage } from "../../state/types.js";
import { may } from "../access.js";
import { rowState } from "../apps-query.js";
import { healthOf } from "../health.js";
import { DriftTable } from "./drift.js";
import { age, appPath, Badge, type Viewer } from "./layout.js";

export function EnvironmentPage(props: {
  viewer: Viewer;
  env: EnvironmentView;
  spec: DeploymentSpec | undefined;
  specYaml: string | undefined;
  /** The latest drift events (a short page; the drift page has them all). */
  drift: DriftEventPage;
  now: number;
}) {
  const { env, spec } = props;
  const last = env.lastDeployment;
  const base = appPath(env.app, env.environment);
  return (
    <>
      <dl class="facts">
        <dt>Last outcome</dt>
        <dd>
          <Badge value={rowState(env)} />{" "}
          {last ? (
            <a href={`/ui/deployments/${last.id}`}>
              {last.action} #{last.number}, {age(last.finishedAt ?? last.startedAt, props.now)} by{" "}
              {last.actor}
            </a>
          ) : null}
        </dd>
        <dt>Current revision</dt>
        <dd>{env.currentRevision ?? "nothing deployed"}</dd>
        <dt>Health</dt>
        <dd>{health(env)}</dd>
        <dt>Lock</dt>
        <dd>{env.lock ? `held by ${env.lock.actor} since ${env.lock.acquiredAt}` : "free"}</dd>
      </dl>
      <p>
        <a href={`${base}/history`}>History, compare and roll back</a>
        {may(props.viewer.principal, "deploy", env.environment) ? (
          <>
            {" · "}
            <a href={`/ui/new?app=${encodeURIComponent(env.app)}&env=${encodeURIComponent(env.environment)}`}>
              Change this app
            </a>
          </>
        ) : null}
      </p>
      <h2>Endpoints</h2>
      {env.endpoints.length === 0 ? (
        <p>No endpoint recorded.</p>
      ) : (
        <ul>
          {env.endpoints.map((url) => (
            <li>
              <a href={url} rel="noopener noreferrer">
                {url}
              </a>
            </li>
          ))}
        </ul>
      )}
      <h2>Drift</h2>
      {env.problems && env.problems.length > 0 ? (
        <ul class="problems" aria-label="drift found now">
          {env.problems.map((p) => (
            <li>{p}</li>
          ))}
        </ul>
      ) : null}
      {props.drift.events.length === 0 ? (
        <p>No check has found drift.</p>
      ) : (
        <>
          <DriftTable events={props.drift.events} caption="Latest drift events, newest first" />
          <p>
            <a href={`${base}/drift`}>All drift events</a>
          </p>
        </>
      )}
      <h2>Resources</h2>
      {spec ? <ResourceTree spec={spec} env={env} /> : <p>Nothing runs.</p>}
      <h2>Current spec</h2>
      {props.specYaml ? (
        <section class="spec" tabindex={0} aria-label="current spec">
          <pre>
            <code>{props.specYaml}</code>
          </pre>
        </section>
      ) : (
        <p>No current revision.</p>
      )}
    </>
  );
}

function health(env: EnvironmentView): string {
  const h = healthOf(env);
  return h.detail ? `${h.state}: ${h.detail}` : h.state;
}

function workloadsOf(env: EnvironmentView, name: string) {
  return (env.workloads ?? []).filter((w) => w.name === name || w.name.includes(`-${name}`));
}

function ResourceTree({ spec, env }: { spec: DeploymentSpec; env: EnvironmentView }) {
  const data = [
    ...spec.databases.map(
      (d) => `database ${d.name} (${d.engine}${d.version ? ` ${d.version}` : ""}, ${d.storageGb} GB)`,
    ),
    ...spec.caches.map((c) => `cache ${c.name} (${c.engine})`),
    ...spec.queues.map((q) => `queue ${q.name} (${q.engine})`),
    ...spec.buckets.map((b) => `bucket ${b.name}${b.public ? " (public)" : ""}`),
  ];
  const ingress = spec.services.filter((s) => s.public);
  return (
    <ul class="tree" aria-label="resource tree">
      <li>
        Services
        <ul>
          {spec.services.map((s) => (
            <li>
              <strong>{s.name}</strong> {s.kind}
              {s.image ? `, ${s.image}` : ""}, {s.replicas} replica{s.replicas === 1 ? "" : "s"}
              {s.port ? `, port ${s.port}` : ""}
              {workloadsOf(env, s.name).map((w) => (
                <>
                  {" "}
                  <Badge value={w.status} />
                  {w.ready !== undefined ? ` ${w.ready}/${w.desired ?? "?"} ready` : ""}
                </>
              ))}
            </li>
          ))}
        </ul>
      </li>
      <li>
        Data services
        {data.length === 0 ? (
          " (none)"
        ) : (
          <ul>
            {data.map((d) => (
              <li>{d}</li>
            ))}
          </ul>
        )}
      </li>
      <li>
        Ingress
        {ingress.length === 0 ? (
          " (none)"
        ) : (
          <ul>
            {ingress.map((s) => (
              <li>
                {s.name}
                {s.domain ? ` at ${s.domain}` : ""}
                {s.tls ? " (TLS)" : ""}
              </li>
            ))}
          </ul>
        )}
      </li>
      <li>Monitoring: {spec.monitoring.enabled ? "enabled" : "off"}</li>
    </ul>
  );
}
