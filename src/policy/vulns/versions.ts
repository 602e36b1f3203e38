/**
 * Package version order of the two distributions CODE inventories: Debian's
 * (dpkg, deb-version(7)) and Alpine's (apk-tools). npm has no maintained
 * library for either (deb-version-compare is unmaintained, untyped and splits
 * versions differently from dpkg; nothing for apk): Debian's is a port of
 * dpkg's verrevcmp, tested against the real `dpkg --compare-versions`.
 */

/** dpkg's order of one character of a non-digit run: `~` first, then the end, letters, then the rest. */
function debOrder(c: string | undefined): number {
  if (c === undefined || (c >= "0" && c <= "9")) return 0;
  if ((c >= "A" && c <= "Z") || (c >= "a" && c <= "z")) return c.charCodeAt(0);
  if (c === "~") return -1;
  return c.charCodeAt(0) + 256;
}

const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";

/** dpkg's verrevcmp: alternating non-digit and digit runs. */
function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let firstDiff = 0;
    while ((i < a.length && !isDigit(a[i])) || (j < b.length && !isDigit(b[j]))) {
      const ac = debOrder(a[i]);
      const bc = debOrder(b[j]);
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (a[i] === "0") i++;
    while (b[j] === "0") j++;
    while (isDigit(a[i]) && isDigit(b[j])) {
      if (firstDiff === 0) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (isDigit(a[i])) return 1;
    if (isDigit(b[j])) return -1;
    if (firstDiff !== 0) return firstDiff;
  }
  return 0;
}

interface DebVersion {
  readonly epoch: number;
  readonly upstream: string;
  readonly revision: string;
}

function parseDeb(version: string): DebVersion {
  const v = version.trim();
  const colon = v.indexOf(":");
  const epoch = colon > 0 ? Number.parseInt(v.slice(0, colon), 10) : 0;
  const rest = colon > 0 ? v.slice(colon + 1) : v;
  const dash = rest.lastIndexOf("-");
  return {
    epoch: Number.isFinite(epoch) ? epoch : 0,
    upstream: dash >= 0 ? rest.slice(0, dash) : rest,
    revision: dash >= 0 ? rest.slice(dash + 1) : "",
  };
}

/** Debian version order: negative, zero or positive, as `dpkg --compare-versions`. */
export function compareDebian(a: string, b: string): number {
  const x = parseDeb(a);
  const y = parseDeb(b);
  if (x.epoch !== y.epoch) return x.epoch - y.epoch;
  return Math.sign(verrevcmp(x.upstream, y.upstream)) || Math.sign(verrevcmp(x.revision, y.revision));
}

// Alpine's order (apk-tools) is Gentoo's: numbers, then one letter, then
// suffixes (_alpha < _beta < _pre < _rc < none < _cvs < _svn < _git < _hg < _p,
// each with an optional number), then the package revision -rN.
const APK_VERSION =
  /^(\d+)((?:\.\d+)*)([a-z]?)((?:_(?:alpha|beta|pre|rc|cvs|svn|git|hg|p)\d*)*)(?:~[0-9a-f]+)?(?:-r(\d+))?$/;
const SUFFIX_RANK: Readonly<Record<string, number>> = {
  alpha: -4,
  beta: -3,
  pre: -2,
  rc: -1,
  cvs: 1,
  svn: 2,
  git: 3,
  hg: 4,
  p: 5,
};

interface ApkVersion {
  readonly numbers: readonly string[];
  readonly letter: string;
  readonly suffixes: readonly { readonly rank: number; readonly number: bigint }[];
  readonly revision: bigint;
}

function parseApk(version: string): ApkVersion | undefined {
  const m = APK_VERSION.exec(version.trim());
  if (!m) return undefined;
  const suffixes = [...(m[4] ?? "").matchAll(/_([a-z]+)(\d*)/g)].map((s) => ({
    rank: SUFFIX_RANK[s[1] ?? ""] ?? 0,
    number: BigInt(s[2] || "0"),
  }));
  return {
    numbers: [m[1] ?? "0", ...(m[2] ?? "").split(".").filter((n) => n !== "")],
    letter: m[3] ?? "",
    suffixes,
    revision: BigInt(m[5] ?? "0"),
  };
}

const cmp = <T extends bigint | number | string>(a: T, b: T) => (a < b ? -1 : a > b ? 1 : 0);

/** A later number component with a leading zero compares as a decimal fraction ("1.01" < "1.1"). */
function compareComponent(a: string, b: string, first: boolean): number {
  if (first || (!a.startsWith("0") && !b.startsWith("0"))) return cmp(BigInt(a), BigInt(b));
  return cmp(a.replace(/0+$/, ""), b.replace(/0+$/, ""));
}

/** Alpine version order (`apk version -t`): negative, zero or positive. Unparsable versions compare as text. */
export function compareApk(a: string, b: string): number {
  const x = parseApk(a);
  const y = parseApk(b);
  if (!x || !y) return cmp(a, b);
  const n = Math.min(x.numbers.length, y.numbers.length);
  for (let i = 0; i < n; i++) {
    const c = compareComponent(x.numbers[i] ?? "0", y.numbers[i] ?? "0", i === 0);
    if (c !== 0) return c;
  }
  if (x.numbers.length !== y.numbers.length) return cmp(x.numbers.length, y.numbers.length);
  if (x.letter !== y.letter) return cmp(x.letter, y.letter);
  for (let i = 0; i < Math.max(x.suffixes.length, y.suffixes.length); i++) {
    const sa = x.suffixes[i];
    const sb = y.suffixes[i];
    // A suffix against none: pre-release suffixes sort before, the others after.
    if (!sa || !sb) return sa ? Math.sign(sa.rank) : -Math.sign(sb?.rank ?? 0);
    if (sa.rank !== sb.rank) return cmp(sa.rank, sb.rank);
    if (sa.number !== sb.number) return cmp(sa.number, sb.number);
  }
  return cmp(x.revision, y.revision);
}

const isAlnum = (c: string | undefined) =>
  c !== undefined && ((c >= "0" && c <= "9") || (c >= "a" && c <= "z") || (c >= "A" && c <= "Z"));

/** rpm's rpmvercmp: alphanumeric segments, `~` sorts before everything, `^` after the end. */
function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  const special = (c: string | undefined) => c === "~" || c === "^";
  while (i < a.length || j < b.length) {
    while (i < a.length && !isAlnum(a[i]) && !special(a[i])) i++;
    while (j < b.length && !isAlnum(b[j]) && !special(b[j])) j++;
    if (a[i] === "~" || b[j] === "~") {
      if (a[i] !== "~") return 1;
      if (b[j] !== "~") return -1;
      i++;
      j++;
      continue;
    }
    if (a[i] === "^" || b[j] === "^") {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (a[i] !== "^") return 1;
      if (b[j] !== "^") return -1;
      i++;
      j++;
      continue;
    }
    if (i >= a.length || j >= b.length) break;
    const numeric = isDigit(a[i]);
    const take = (s: string, k: number) => {
      let e = k;
      while (e < s.length && (numeric ? isDigit(s[e]) : isAlnum(s[e]) && !isDigit(s[e]))) e++;
      return e;
    };
    const ei = take(a, i);
    const ej = take(b, j);
    // A numeric segment against an alphabetic one: the numeric one is newer.
    if (ej === j) return numeric ? 1 : -1;
    let x = a.slice(i, ei);
    let y = b.slice(j, ej);
    if (numeric) {
      x = x.replace(/^0+/, "");
      y = y.replace(/^0+/, "");
      if (x.length !== y.length) return x.length > y.length ? 1 : -1;
    }
    if (x !== y) return x < y ? -1 : 1;
    i = ei;
    j = ej;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

/** `[epoch:]version[-release]`; a missing epoch is 0. */
function parseRpm(evr: string): { epoch: number; version: string; release: string | undefined } {
  const colon = evr.indexOf(":");
  const epoch = colon > 0 ? Number.parseInt(evr.slice(0, colon), 10) : 0;
  const rest = colon > 0 ? evr.slice(colon + 1) : evr;
  const dash = rest.lastIndexOf("-");
  return {
    epoch: Number.isFinite(epoch) ? epoch : 0,
    version: dash >= 0 ? rest.slice(0, dash) : rest,
    release: dash >= 0 ? rest.slice(dash + 1) : undefined,
  };
}

/** RPM EVR order (`rpmdev-vercmp`): epoch, version, then release when both have one. */
export function compareRpm(a: string, b: string): number {
  const x = parseRpm(a.trim());
  const y = parseRpm(b.trim());
  if (x.epoch !== y.epoch) return x.epoch < y.epoch ? -1 : 1;
  const v = rpmvercmp(x.version, y.version);
  if (v !== 0 || x.release === undefined || y.release === undefined) return v;
  return rpmvercmp(x.release, y.release);
}
