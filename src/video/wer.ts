/** Word error rate: word-level edit distance over the reference's length (for the bench). */

const norm = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9' ]+/g, " ")
    .split(/\s+/)
    .filter(Boolean);

export function wordErrorRate(reference: string, hypothesis: string): number {
  const r = norm(reference);
  const h = norm(hypothesis);
  if (r.length === 0) return h.length === 0 ? 0 : 1;
  let prev = Array.from({ length: h.length + 1 }, (_, j) => j);
  for (let i = 1; i <= r.length; i++) {
    const cur = [i];
    for (let j = 1; j <= h.length; j++) {
      const sub = (prev[j - 1] ?? 0) + (r[i - 1] === h[j - 1] ? 0 : 1);
      cur.push(Math.min(sub, (prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1));
    }
    prev = cur;
  }
  return (prev[h.length] ?? 0) / r.length;
}
