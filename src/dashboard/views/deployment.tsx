/**
 * A deployment's step tree. The page subscribes to the deployment's event
 * stream (dashboard.js) and, on each event, fetches this tree again from the
 * store: a reconnect resumes with Last-Event-ID and loses nothing.
 */
import type { DeploymentView } from "../../service/types.js";
import type { RunSummary } from "../step-tree.js";
import { appPath, Badge } from "./layout.js";

const seconds = (ms: number | undefined) => (ms === undefined ? "" : `${(ms / 1000).toFixed(2)} s`);

export function DeploymentPage(props: { deployment: DeploymentView; tree: RunSummary }) {
  const d = props.deployment;
  const over = d.outcome !== undefined || d.state === "interrupted";
  return (
    <>
      <p>
        {d.action} of <a href={appPath(d.app, d.environment)}>{`${d.app}/${d.environment}`}</a>, revision{" "}
        {d.revision}, by {d.actor}, started {d.startedAt}
      </p>
      <section
        id="live"
        aria-live="polite"
        data-events={over ? undefined : `/ui/deployments/${d.id}/events`}
        data-tree={`/ui/deployments/${d.id}/tree`}
      >
        <StepTree deployment={d} tree={props.tree} />
      </section>
    </>
  );
}

export function StepTree(props: { deployment: DeploymentView; tree: RunSummary }) {
  const { deployment: d, tree } = props;
  return (
    <div id="tree" data-outcome={d.outcome ?? d.state}>
      <p class="outcome">
        Outcome: <Badge value={d.outcome ?? d.state} />
        {tree.durationMs !== undefined ? ` in ${seconds(tree.durationMs)}` : ""}
        {d.error ? <span class="error-text"> {d.error}</span> : null}
      </p>
      <ol class="steps">
        {tree.steps.map((s) => (
          <li data-step={s.id}>
            <span class="step-id">{s.id}</span> <Badge value={s.state} />{" "}
            <span class="timing">
              {seconds(s.durationMs)}
              {s.attempts > 1 ? `, ${s.attempts} attempts` : ""}
            </span>
            {s.error ? <div class={s.state === "failed" ? "error-text" : "hint"}>{s.error}</div> : null}
            {s.retries.length > 0 ? (
              <ul class="retries" aria-label={`retries of ${s.id}`}>
                {s.retries.map((r) => (
                  <li>retry: {r}</li>
                ))}
              </ul>
            ) : null}
            {s.logs.length > 0 ? (
              <details>
                <summary>{s.logs.length} log lines</summary>
                <pre>{s.logs.join("\n")}</pre>
              </details>
            ) : null}
          </li>
        ))}
      </ol>
    </div>
  );
}
