/**
 * `import()` of what the CLI bundle leaves outside: the big clients and
 * drivers in node_modules, Node's optional built-ins, policy plugin files.
 *
 * bin/codeploy.cjs runs the bundle from V8's code cache, and Node 20 loses
 * `import()` in code compiled from a cache (it throws "A dynamic import
 * callback was not specified"). So the launcher lends its own `import()`,
 * compiled by Node's module loader, under this symbol; anywhere else (tests,
 * dist/ run directly, the planner worker) the plain one runs. Every dynamic
 * import of something outside the bundle goes through here:
 * test/cli-bundle.test.ts fails when the bundle holds another `import(`.
 */
const LENT_IMPORT = Symbol.for("codeploy.import");

type Importer = (specifier: string) => Promise<unknown>;

export function importPackage<T>(specifier: string): Promise<T> {
  const lent = (globalThis as { [LENT_IMPORT]?: Importer })[LENT_IMPORT];
  return (lent ? lent(specifier) : import(specifier)) as Promise<T>;
}
