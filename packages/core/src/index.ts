export { sleep } from "./deadline.js";
export * from "./errors.js";
export * from "./redact.js";
export * from "./request.js";
export * from "./retry.js";
export * from "./transport.js";
