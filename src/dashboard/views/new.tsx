/**
 * A new deployment in three pages: words or YAML; the spec with its
 * assumptions and questions beside the reviewed plan (stages, diff against
 * what runs, cost, findings) and the confirmation; then the live page.
 */
import type { ArtifactsAnswer, PlanAnswer } from "../../service/types.js";
import { ArtifactsDiff } from "./artifacts-diff.js";
import { DiffTable } from "./diff.js";
import { Csrf, ErrorBox, type Viewer } from "./layout.js";
import { StageGraph } from "./stage-graph.js";

export interface DraftInput {
  readonly kind: "words" | "yaml";
  readonly text: string;
}

export function NewForm(props: {
  viewer: Viewer;
  draft: DraftInput;
  error?: { code: string; message: string; hint?: string | undefined };
}) {
  return (
    <form method="post" action="/ui/new/plan" class="stack">
      <Csrf viewer={props.viewer} />
      {props.error ? <ErrorBox {...props.error} /> : null}
      <fieldset>
        <legend>What to deploy</legend>
        <label>
          <input type="radio" name="kind" value="words" checked={props.draft.kind === "words"} /> Words
        </label>
        <label>
          <input type="radio" name="kind" value="yaml" checked={props.draft.kind === "yaml"} /> A spec in YAML
        </label>
      </fieldset>
      <label for="text">Request or spec</label>
      <textarea id="text" name="text" rows={10} cols={80} required>
        {props.draft.text}
      </textarea>
      <button type="submit">Review the plan</button>
    </form>
  );
}

export function ReviewPage(props: {
  viewer: Viewer;
  /** The id of the draft kept on the server (dashboard/drafts.ts): the page never holds what was typed. */
  draftId: string;
  plan: PlanAnswer;
  specYaml: string;
  currentYaml: string;
  artifacts: { planned: ArtifactsAnswer; running: ArtifactsAnswer };
  production: boolean;
}) {
  const { plan } = props;
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  return (
    <>
      <h2>Spec</h2>
      <p>
        {plan.interpreter ? `Read by the ${plan.interpreter} interpreter. ` : ""}
        {plan.app}/{plan.environment} on {plan.target}.
      </p>
      {(plan.assumptions ?? []).length > 0 ? (
        <>
          <h3>Assumptions</h3>
          <ul>
            {(plan.assumptions ?? []).map((a) => (
              <li>{a}</li>
            ))}
          </ul>
        </>
      ) : null}
      {(plan.questions ?? []).length > 0 ? (
        <>
          <h3>Open questions</h3>
          <ul>
            {(plan.questions ?? []).map((q) => (
              <li>{q}</li>
            ))}
          </ul>
        </>
      ) : null}
      <h2>Stages</h2>
      <StageGraph steps={plan.steps} levels={plan.levels} />
      <ol class="stages" aria-label="stages, each runs after the one before">
        {plan.levels.map((level, i) => (
          <li>
            <span class="stage-no">Stage {i + 1}</span>
            <ul>
              {level.map((id) => (
                <li class={`step a-${byId.get(id)?.action ?? "noop"}`}>
                  <strong>{id}</strong> {byId.get(id)?.action}: {byId.get(id)?.description}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ol>
      <h2>Changes against what runs</h2>
      <h3>Spec</h3>
      <DiffTable
        before={props.currentYaml}
        after={props.specYaml}
        leftTitle={props.currentYaml === "" ? "nothing runs" : "running spec"}
        rightTitle="new spec"
      />
      <h3>Rendered artifacts</h3>
      <ArtifactsDiff
        before={props.artifacts.running}
        after={props.artifacts.planned}
        leftTitle={
          props.artifacts.running.revision === undefined
            ? "nothing runs"
            : `running revision ${props.artifacts.running.revision}`
        }
        rightTitle="planned"
      />
      <h2>Cost</h2>
      <table class="cost">
        <caption class="sr-only">Monthly cost</caption>
        <thead>
          <tr>
            <th scope="col">Component</th>
            <th scope="col">Item</th>
            <th scope="col">Quantity</th>
            <th scope="col">Monthly</th>
          </tr>
        </thead>
        <tbody>
          {plan.cost.items.map((item) => (
            <tr>
              <td>{item.component}</td>
              <td>{item.description}</td>
              <td>
                {item.quantity} {item.unit}
              </td>
              <td>{item.monthlyUsd.toFixed(2)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colspan={3}>
              Total ({plan.cost.currency})
            </th>
            <td>{plan.cost.monthlyUsd.toFixed(2)}</td>
          </tr>
        </tfoot>
      </table>
      <h2>Findings</h2>
      {plan.findings.length === 0 ? (
        <p>No finding.</p>
      ) : (
        <ul class="findings">
          {plan.findings.map((f) => (
            <li class={`f-${f.severity}`}>
              <strong>{f.severity}</strong> {f.id} at <code>{f.path}</code>: {f.message}
              <div class="hint">Hint: {f.hint}</div>
            </li>
          ))}
        </ul>
      )}
      <ConfirmForm {...props} />
    </>
  );
}

function ConfirmForm(props: { viewer: Viewer; draftId: string; plan: PlanAnswer; production: boolean }) {
  const { plan } = props;
  const questions = (plan.questions ?? []).length > 0;
  return (
    <form method="post" action="/ui/new/apply" class="stack confirm">
      <h2>Confirm</h2>
      <Csrf viewer={props.viewer} />
      <input type="hidden" name="draft" value={props.draftId} />
      {questions ? (
        <label>
          <input type="checkbox" name="acceptAssumptions" value="yes" required /> Deploy with the assumptions
          above (the questions stay open)
        </label>
      ) : null}
      {!plan.approved ? (
        <label>
          <input type="checkbox" name="acceptRisk" value="yes" required /> Deploy despite the error findings
        </label>
      ) : null}
      {props.production ? (
        <label>
          Type the app name <strong>{plan.app}</strong> to deploy to production{" "}
          <input name="typed" required autocomplete="off" />
        </label>
      ) : null}
      <button type="submit">
        Deploy {plan.app} to {plan.environment}
      </button>
      <a href="/ui/new">Start over</a>
    </form>
  );
}
