/**
 * Two texts as side-by-side rows (the `diff` library finds the changed lines):
 * removed lines face the added lines that replace them, and unchanged runs
 * longer than twice the context become one fold that the page can expand
 * (nothing is hidden without saying how much).
 */
import { diffLines } from "diff";

export interface Line {
  readonly no: number;
  readonly text: string;
}

export type Row =
  | { readonly kind: "same"; readonly left: Line; readonly right: Line }
  | { readonly kind: "change"; readonly left: Line | undefined; readonly right: Line | undefined }
  | { readonly kind: "fold"; readonly rows: readonly Row[] };

const CONTEXT = 3;

function splitLines(value: string): string[] {
  const lines = value.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

export function sideBySide(before: string, after: string, context = CONTEXT): Row[] {
  const rows: Row[] = [];
  let l = 1;
  let r = 1;
  let removed: Line[] = [];
  const flushRemoved = (added: Line[]) => {
    const n = Math.max(removed.length, added.length);
    for (let i = 0; i < n; i++) rows.push({ kind: "change", left: removed[i], right: added[i] });
    removed = [];
  };
  const parts = diffLines(before, after);
  for (const [index, part] of parts.entries()) {
    const lines = splitLines(part.value);
    if (part.removed) {
      removed.push(...lines.map((text) => ({ no: l++, text })));
    } else if (part.added) {
      flushRemoved(lines.map((text) => ({ no: r++, text })));
    } else {
      flushRemoved([]);
      const same: Row[] = lines.map((text) => ({
        kind: "same",
        left: { no: l++, text },
        right: { no: r++, text },
      }));
      // The first run needs context only after it, the last only before it.
      const head = rows.length === 0 ? 0 : context;
      const tail = index === parts.length - 1 ? 0 : context;
      rows.push(...fold(same, head, tail));
    }
  }
  flushRemoved([]);
  return rows;
}

function fold(same: Row[], head: number, tail: number): Row[] {
  if (same.length <= head + tail + 1) return same;
  return [
    ...same.slice(0, head),
    { kind: "fold", rows: same.slice(head, same.length - tail) },
    ...same.slice(same.length - tail),
  ];
}

/** Whether anything differs. */
export function hasChanges(rows: readonly Row[]): boolean {
  return rows.some((row) => row.kind === "change");
}
