/**
 * How the CLI shows a planId: the id and the command that runs exactly the change reviewed
 * (`--plan-id`), written so it can be pasted into a POSIX shell.
 */

/** A word or file name as a shell needs it on one line: as it is when safe, else single-quoted. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

/** The planId a change was shown with, and `command` with `--plan-id` to run exactly it. */
export function planIdLines(planId: string, what: string, command: string): string {
  return `\nplan id: ${planId}\n  ${what}: ${command} --plan-id ${planId}\n`;
}
