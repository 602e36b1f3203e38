export * from "./build.js";
export * from "./graph.js";
