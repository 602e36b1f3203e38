/** Every revision and deployment of an environment; compare two revisions; roll back with a reason. */
import type { HistoryAnswer } from "../../service/types.js";
import { may } from "../access.js";
import { Badge, Csrf, type Viewer } from "./layout.js";

export function HistoryPage(props: {
  viewer: Viewer;
  app: string;
  environment: string;
  base: string;
  history: HistoryAnswer;
  current: number | undefined;
}) {
  const { history } = props;
  const revisions = [...history.revisions].sort((a, b) => b.number - a.number);
  const outcomes = new Map<number, string>();
  for (const d of [...history.deployments].reverse()) outcomes.set(d.revision, d.outcome ?? d.state);
  const older = revisions.find((r) => props.current !== undefined && r.number < props.current);
  return (
    <>
      <h2>Revisions</h2>
      <table>
        <caption class="sr-only">Revisions, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Revision</th>
            <th scope="col">Created</th>
            <th scope="col">Actor</th>
            <th scope="col">Words</th>
            <th scope="col">Git</th>
            <th scope="col">Last outcome</th>
          </tr>
        </thead>
        <tbody>
          {revisions.map((r) => (
            <tr>
              <th scope="row">
                {r.number}
                {r.number === props.current ? " (running)" : ""}
              </th>
              <td>{r.createdAt}</td>
              <td>{r.actor}</td>
              <td>{r.request ?? "(a spec)"}</td>
              <td>
                {r.sourceCommit ? (
                  <span title={r.sourceCommit}>from {r.sourceCommit.slice(0, 12)} </span>
                ) : null}
                {r.commit ? <span title={r.commit}>in {r.commit.slice(0, 12)}</span> : null}
              </td>
              <td>
                <Badge value={outcomes.get(r.number)} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {revisions.length >= 2 ? (
        <form method="get" action={`${props.base}/compare`} class="inline-form">
          <h2>Compare</h2>
          <label>
            From{" "}
            <select name="a">
              {revisions.map((r, i) => (
                <option value={String(r.number)} selected={i === 1}>
                  {r.number}
                </option>
              ))}
            </select>
          </label>{" "}
          <label>
            to{" "}
            <select name="b">
              {revisions.map((r, i) => (
                <option value={String(r.number)} selected={i === 0}>
                  {r.number}
                </option>
              ))}
            </select>
          </label>{" "}
          <button type="submit">Compare</button>
        </form>
      ) : null}
      {may(props.viewer.principal, "rollback", props.environment) && revisions.length >= 2 ? (
        <form method="post" action={`${props.base}/rollback`} class="stack">
          <h2>Roll back</h2>
          <Csrf viewer={props.viewer} />
          <label>
            To revision{" "}
            <select name="revision">
              {revisions
                .filter((r) => r.number !== props.current)
                .map((r) => (
                  <option value={String(r.number)} selected={r.number === older?.number}>
                    {r.number}
                  </option>
                ))}
            </select>
          </label>
          <label for="reason">Reason (recorded in the audit log)</label>
          <textarea id="reason" name="reason" rows={2} cols={60} required maxlength={500} />
          <button type="submit">Roll back</button>
        </form>
      ) : null}
      <h2>Deployments</h2>
      <ul>
        {history.deployments.map((d) => (
          <li>
            <a href={`/ui/deployments/${d.id}`}>
              #{d.number} {d.action} of revision {d.revision}
            </a>{" "}
            <Badge value={d.outcome ?? d.state} /> by {d.actor}, {d.startedAt}
          </li>
        ))}
      </ul>
    </>
  );
}
