/**
 * Rendered artifacts against other rendered artifacts, file by file, side by side: changed,
 * added and removed files open with their diff (unchanged lines folded and expandable);
 * unchanged files fold into one expandable list. Withheld files (gitops' rule, applied by
 * the service) show why, never their content.
 */
import type { ArtifactsAnswer } from "../../service/types.js";
import { DiffTable } from "./diff.js";

type File = ArtifactsAnswer["files"][number];

/** What a file shows in a diff: its content, or a one-line reason it is withheld. */
function textOf(file: File | undefined): string {
  if (file === undefined) return "";
  return file.withheld !== undefined ? `(withheld: ${file.withheld})\n` : file.content;
}

export function ArtifactsDiff(props: {
  before: ArtifactsAnswer | undefined;
  after: ArtifactsAnswer;
  leftTitle: string;
  rightTitle: string;
}) {
  const before = new Map((props.before?.files ?? []).map((f) => [f.path, f]));
  const after = new Map(props.after.files.map((f) => [f.path, f]));
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  const isWithheld = (p: string) => (after.get(p) ?? before.get(p))?.withheld !== undefined;
  const withheld = paths.filter(isWithheld);
  // A file withheld on both sides cannot be compared here: listed apart, never called unchanged.
  const hidden = withheld.filter((p) => textOf(before.get(p)) === textOf(after.get(p)));
  const same = paths.filter((p) => !hidden.includes(p) && textOf(before.get(p)) === textOf(after.get(p)));
  const changed = paths.filter((p) => !same.includes(p) && !hidden.includes(p));
  const status = (p: string) => (!before.has(p) ? "added" : !after.has(p) ? "removed" : "changed");
  const fileDiff = (p: string, open: boolean, note?: string) => (
    <details open={open}>
      <summary>
        <code>{p}</code>
        {note ? ` ${note}` : null}
      </summary>
      <DiffTable
        before={textOf(before.get(p))}
        after={textOf(after.get(p))}
        leftTitle={`${p} (${props.leftTitle})`}
        rightTitle={`${p} (${props.rightTitle})`}
      />
    </details>
  );
  return (
    <section class="artifacts" aria-label="Rendered artifacts">
      <p>
        {changed.length} of {paths.length} rendered file{paths.length === 1 ? "" : "s"} differ
        {withheld.length > 0
          ? `; ${withheld.length} withheld because they hold secret values (as in the GitOps commit)`
          : ""}
        .
      </p>
      {changed.map((p) => fileDiff(p, true, status(p)))}
      {hidden.length > 0 ? (
        <ul class="withheld">
          {hidden.map((p) => (
            <li>
              <code>{p}</code> withheld: {(after.get(p) ?? before.get(p))?.withheld}
            </li>
          ))}
        </ul>
      ) : null}
      {same.length > 0 ? (
        <details>
          <summary>
            {same.length} unchanged file{same.length === 1 ? "" : "s"}
          </summary>
          {same.map((p) => fileDiff(p, false))}
        </details>
      ) : null}
    </section>
  );
}
