/** A side-by-side diff table; folded unchanged lines open with a native <details> (keyboard and screen reader ready). */
import { type Row, sideBySide } from "../side-by-side.js";

export function DiffTable(props: { before: string; after: string; leftTitle: string; rightTitle: string }) {
  const rows = sideBySide(props.before, props.after);
  return (
    <div class="diff">
      <table>
        <caption class="sr-only">
          {props.leftTitle} compared with {props.rightTitle}
        </caption>
        <thead>
          <tr>
            <th scope="col" colspan={2}>
              {props.leftTitle}
            </th>
            <th scope="col" colspan={2}>
              {props.rightTitle}
            </th>
          </tr>
        </thead>
        <tbody>{rows.map((row) => rowOf(row))}</tbody>
      </table>
    </div>
  );
}

function rowOf(row: Row) {
  if (row.kind === "fold") {
    return (
      <tr class="fold">
        <td colspan={4}>
          <details>
            <summary>{row.rows.length} unchanged lines</summary>
            <table>
              <tbody>{row.rows.map((r) => rowOf(r))}</tbody>
            </table>
          </details>
        </td>
      </tr>
    );
  }
  const cls = row.kind === "same" ? "" : "changed";
  return (
    <tr class={cls}>
      <td class="no">{row.left?.no ?? ""}</td>
      <td class={row.kind === "change" && row.left ? "del" : ""}>
        {row.kind === "change" && row.left ? <span class="sr-only">removed: </span> : null}
        <code>{row.left?.text ?? ""}</code>
      </td>
      <td class="no">{row.right?.no ?? ""}</td>
      <td class={row.kind === "change" && row.right ? "ins" : ""}>
        {row.kind === "change" && row.right ? <span class="sr-only">added: </span> : null}
        <code>{row.right?.text ?? ""}</code>
      </td>
    </tr>
  );
}
