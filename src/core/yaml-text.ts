/**
 * The YAML library behind one static import, for code that loads it on use.
 * The CLI bundle (scripts/bundle-cli.mjs) carries yaml's CommonJS build: a
 * dynamic `import("yaml")` of it yields only a default export, so
 * `parseDocument` and `stringify` would be undefined there while every source
 * test passes. A static import gets esbuild's interop; this module is that one.
 */
export { parseDocument, stringify } from "yaml";
