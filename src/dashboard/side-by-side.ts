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
  for (const part of diffLines(before, after)) {
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
      rows.push(...fold(same, context, rows.length === 0));
    }
  }
  flushRemoved([]);
  // A trailing unchanged run needs context only before it: fold what follows.
  return foldTail(rows, context);
}

function fold(same: Row[], context: number, atStart: boolean): Row[] {
  const head = atStart ? 0 : context;
  if (same.length <= head + context + 1) return same;
  return [
    ...same.slice(0, head),
    { kind: "fold", rows: same.slice(head, same.length - context) },
    ...same.slice(-context),
  ];
}

function foldTail(rows: Row[], context: number): Row[] {
  let start = rows.length;
  while (start > 0 && rows[start - 1]?.kind === "same") start--;
  const tail = rows.slice(start);
  if (start === 0 || tail.length <= context + 1) return rows;
  return [...rows.slice(0, start), ...tail.slice(0, context), { kind: "fold", rows: tail.slice(context) }];
}

/** Whether anything differs. */
export function hasChanges(rows: readonly Row[]): boolean {
  return rows.some((row) => row.kind === "change");
}
