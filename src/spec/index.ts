export * from "./chart.js";
export * from "./environment.js";
export * from "./json-schema.js";
export * from "./quantity.js";
export * from "./regions.js";
export * from "./schema.js";
export * from "./secret-refs.js";
export * from "./validate.js";
