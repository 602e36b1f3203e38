/** The Circle of Experts: ask, each member's status and cost, the consensus; earlier consultations. */
import type { ConsultationSummary, ExpertsMembers, ExpertsService } from "../../service/experts.js";
import { Badge, Csrf, type Viewer } from "./layout.js";

type Consultation = Awaited<ReturnType<ExpertsService["ask"]>>;

const usd = (n: number | undefined) => (n === undefined ? "unpriced" : `$${n.toFixed(4)}`);

export function ExpertsPage(props: {
  viewer: Viewer;
  members: ExpertsMembers;
  history: readonly ConsultationSummary[];
  question: string;
}) {
  return (
    <>
      <form method="post" action="/ui/experts/ask" class="stack">
        <Csrf viewer={props.viewer} />
        <label for="question">Question for the circle</label>
        <textarea id="question" name="question" rows={4} cols={80} required maxlength={20000}>
          {props.question}
        </textarea>
        <button type="submit">Ask the experts</button>
      </form>
      <h2>Members</h2>
      <table>
        <caption class="sr-only">Members of the circle</caption>
        <thead>
          <tr>
            <th scope="col">Member</th>
            <th scope="col">Model</th>
            <th scope="col">Usable</th>
          </tr>
        </thead>
        <tbody>
          {props.members.members.map((m) => (
            <tr>
              <td>{m.name}</td>
              <td>
                {m.provider}/{m.model}
              </td>
              <td>{m.usable ? "yes" : `no: ${m.reason ?? ""}`}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Earlier consultations</h2>
      {props.history.length === 0 ? (
        <p>None yet.</p>
      ) : (
        <ul>
          {props.history.map((h) => (
            <li>
              <a href={`/ui/experts/${encodeURIComponent(h.id)}`}>{h.question}</a> ({h.createdAt},{" "}
              {usd(h.totalUsd)})
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export function ConsultationPage({ consultation: c }: { consultation: Consultation }) {
  return (
    <>
      <p>
        <a href="/ui/experts">Back to the circle</a>
      </p>
      <h2>Question</h2>
      <p>{c.question}</p>
      <h2>Consensus</h2>
      <p>
        {c.consensus.summary} (confidence {Math.round(c.consensus.confidence * 100)}%, {c.consensus.method})
      </p>
      {c.consensus.recommendations.length > 0 ? (
        <ul>
          {c.consensus.recommendations.map((r) => (
            <li>{r}</li>
          ))}
        </ul>
      ) : null}
      <h2>Members</h2>
      <table>
        <caption class="sr-only">Each member's answer</caption>
        <thead>
          <tr>
            <th scope="col">Member</th>
            <th scope="col">Status</th>
            <th scope="col">Cost</th>
            <th scope="col">Time</th>
            <th scope="col">Answer</th>
          </tr>
        </thead>
        <tbody>
          {c.answers.map((a) => (
            <tr>
              <td>{a.expert}</td>
              <td>
                <Badge value={a.status} />
              </td>
              <td>{usd(a.costUsd)}</td>
              <td>{(a.latencyMs / 1000).toFixed(1)} s</td>
              <td>{a.error ?? a.text}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colspan={2}>
              Total
            </th>
            <td colspan={3}>{usd(c.cost.totalUsd)}</td>
          </tr>
        </tfoot>
      </table>
    </>
  );
}
