/**
 * Word normalization: lower case, British -> American spelling, common
 * misspellings of the product's own vocabulary, and plural -> singular for the
 * nouns the grammar knows. The result is the `w` of a word token.
 */

/** Nouns the grammar knows in the singular; their plurals fold onto them. */
const SINGULARS = new Set(
  `replica instance copy pod container node database db cache queue bucket worker consumer subscriber processor
  api service microservice job task cronjob cpu vcpu core backup snapshot minute min hour day week month year night
  morning evening weekday weekend monday tuesday wednesday thursday friday saturday sunday gig site website app
  application frontend backend environment env cluster region server webapp proxy broker topic volume disk
  cert certificate request dollar buck euro pound metric alert
  dashboard zone secret variable daemon second sec mins hr hrs`.split(/\s+/),
);

/**
 * Deployment words of Spanish, French and German requests, read as their
 * English lemma so that the same facts come out ("en producción con 3 réplicas").
 */
const FOREIGN: readonly (readonly [string, string])[] = [
  ["producción", "production"],
  ["produccion", "production"],
  ["produktion", "production"],
  ["réplicas", "replica"],
  ["réplica", "replica"],
  ["répliques", "replica"],
  ["réplique", "replica"],
  ["replikate", "replica"],
  ["replikat", "replica"],
  ["instancias", "instance"],
  ["instanzen", "instance"],
  ["datenbank", "database"],
  ["datos", "data"],
  ["données", "data"],
  ["donnees", "data"],
  ["despliega", "deploy"],
  ["despliegue", "deploy"],
  ["desplegar", "deploy"],
  ["déployez", "deploy"],
  ["déployer", "deploy"],
  ["déploie", "deploy"],
  ["bereitstellen", "deploy"],
  ["deployen", "deploy"],
  ["l'", "the"],
  ["d'", "of"],
  ["avec", "with"],
  ["con", "with"],
  ["mit", "with"],
  ["sans", "without"],
  ["ohne", "without"],
  ["auf", "on"],
  ["deux", "two"],
  ["trois", "three"],
  ["quatre", "four"],
  ["zwei", "two"],
  ["drei", "three"],
  ["vier", "four"],
  ["dos", "two"],
  ["tres", "three"],
  ["cuatro", "four"],
  ["tienda", "shop"],
  ["boutique", "shop"],
];

const SPELLING: ReadonlyMap<string, string> = new Map([
  ...FOREIGN,
  ["catalogue", "catalog"],
  ["centre", "center"],
  ["datacentre", "datacenter"],
  ["dockerised", "dockerized"],
  ["containerised", "containerized"],
  ["organisation", "organization"],
  ["programme", "program"],
  ["licence", "license"],
  ["optimised", "optimized"],
  ["utilisation", "utilization"],
  ["utilization", "utilization"],
  ["authorisation", "authorization"],
  ["behaviour", "behavior"],
  ["colour", "color"],
  ["favour", "favor"],
  ["prioritise", "prioritize"],
  ["analyse", "analyze"],
  ["initialise", "initialize"],
  ["amongst", "among"],
  ["whilst", "while"],
  ["fortnightly", "biweekly"],
  ["pls", "please"],
  ["plz", "please"],
  ["pleas", "please"],
  ["thx", "thanks"],
  ["u", "you"],
  ["ur", "your"],
  ["w", "with"],
  ["w/", "with"],
  ["wanna", "want"],
  ["gonna", "going"],
  ["gimme", "give"],
  ["k8", "k8s"],
  ["kube", "kubernetes"],
  ["postgresql", "postgres"],
  ["postgre", "postgres"],
  ["postgress", "postgres"],
  ["postgresdb", "postgres"],
  ["posgres", "postgres"],
  ["postgres's", "postgres"],
  ["pgsql", "postgres"],
  ["psql", "postgres"],
  ["mongo", "mongodb"],
  ["memcache", "memcached"],
  ["rabbit", "rabbitmq"],
  ["kafka's", "kafka"],
  ["autoscaling", "autoscale"],
  ["autoscaled", "autoscale"],
  ["autoscaler", "autoscale"],
  ["autoscales", "autoscale"],
  ["k8s's", "k8s"],
  ["prd", "prod"],
  ["stg", "staging"],
  ["stage", "stage"],
  ["devel", "dev"],
]);

/** Long vocabulary words worth catching with one typo ("kubernets", "enviroment"). */
const FUZZY_TARGETS = [
  "kubernetes",
  "postgres",
  "production",
  "terraform",
  "rabbitmq",
  "memcached",
  "wordpress",
  "database",
  "replicas",
  "instances",
  "environment",
  "monitoring",
  "autoscale",
  "highly",
  "available",
  "frontend",
  "mongodb",
  "staging",
];
/** English words one typo away from a target that must stay themselves. */
const NOT_TYPOS = new Set([
  "stating",
  "staying",
  "staking",
  "stagings",
  "postures",
  "database's",
  "availably",
]);

const cache = new Map<string, string>();

let signature: string | undefined;

/**
 * The lexicon's data in one string: the generated phrase index (see
 * phrase-compile.ts) was normalized with it and is used only while it is the same.
 */
export function lexiconSignature(): string {
  signature ??= JSON.stringify([[...SINGULARS], [...SPELLING], FUZZY_TARGETS, [...NOT_TYPOS]]);
  return signature;
}

export function normalizeWord(raw: string): string {
  const lower = raw.toLowerCase().replace(/’/g, "'");
  const hit = cache.get(lower);
  if (hit !== undefined) return hit;
  const out = normalizeUncached(lower);
  if (cache.size < 5000) cache.set(lower, out);
  return out;
}

function normalizeUncached(lower: string): string {
  const spelled = SPELLING.get(lower);
  if (spelled) return spelled;
  const single = singular(lower);
  if (single !== lower) return SPELLING.get(single) ?? single;
  if (lower.length >= 6 && /^[a-z]+$/.test(lower) && !NOT_TYPOS.has(lower)) {
    for (const target of FUZZY_TARGETS) {
      // Six letters only as a seven-letter target with one letter dropped ("stagin"): shorter words are too many.
      if (lower.length === 6 && target.length !== 7) continue;
      if (target !== lower && Math.abs(target.length - lower.length) <= 1 && oneEdit(lower, target)) {
        return SPELLING.get(target) ?? singular(target);
      }
    }
  }
  return lower;
}

function singular(w: string): string {
  if (SINGULARS.has(w)) return w;
  if (w.endsWith("ies") && SINGULARS.has(`${w.slice(0, -3)}y`)) return `${w.slice(0, -3)}y`;
  if (w.endsWith("es") && SINGULARS.has(w.slice(0, -2))) return w.slice(0, -2);
  if (w.endsWith("s") && SINGULARS.has(w.slice(0, -1))) return w.slice(0, -1);
  if (w.endsWith("'s") && SINGULARS.has(w.slice(0, -2))) return w.slice(0, -2);
  return w;
}

/** Damerau-Levenshtein distance exactly 1 (substitution, insertion, deletion or transposition). */
export function oneEdit(a: string, b: string): boolean {
  if (a === b) return false;
  if (a.length === b.length) {
    let i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  const [s, l] = a.length < b.length ? [a, b] : [b, a];
  if (l.length - s.length !== 1) return false;
  let i = 0;
  while (i < s.length && s[i] === l[i]) i++;
  return s.slice(i) === l.slice(i + 1);
}
