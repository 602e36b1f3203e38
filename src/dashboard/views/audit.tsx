/** The audit log, newest first, with the hash chain's verification state. */
import type { AuditLine, AuditVerification } from "../../service/types.js";
import { Badge } from "./layout.js";

function reasonOf(details: unknown): string {
  if (details === null || typeof details !== "object" || !("reason" in details)) return "";
  return typeof details.reason === "string" ? details.reason : "";
}

export function AuditPage(props: {
  verification: AuditVerification;
  lines: readonly AuditLine[] | undefined;
}) {
  const v = props.verification;
  return (
    <>
      <section class={v.ok ? "chain ok" : "chain broken"} aria-label="chain verification">
        <h2>Chain</h2>
        {v.ok ? (
          <p>
            <Badge value="verified" /> {v.count} records, every hash checks
            {v.anchored ? " and the anchor kept outside the database matches" : ""}.
          </p>
        ) : (
          <p role="alert">
            <Badge value="broken" /> The chain breaks at record {v.brokenAt}: {v.reason}
          </p>
        )}
      </section>
      {props.lines === undefined ? (
        <p>Reading the records needs the audit permission (an admin for every environment).</p>
      ) : (
        <table>
          <caption class="sr-only">Audit records, newest first</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">When</th>
              <th scope="col">Actor</th>
              <th scope="col">Command</th>
              <th scope="col">Target</th>
              <th scope="col">Outcome</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {props.lines.map((l) => (
              <tr>
                <td>{l.seq}</td>
                <td>{l.at}</td>
                <td>{l.actor}</td>
                <td>{l.command}</td>
                <td>{l.target ?? ""}</td>
                <td>
                  <Badge value={l.outcome} />
                </td>
                <td>{reasonOf(l.details)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
