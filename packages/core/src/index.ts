export * from "./errors.js";
export * from "./redact.js";
export * from "./transport.js";
