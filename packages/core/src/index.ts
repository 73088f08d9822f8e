export { sleep } from "./deadline.js";
export * from "./errors.js";
export * from "./fetch-transport.js";
export * from "./redact.js";
export * from "./request.js";
export * from "./retry.js";
export * from "./transport.js";
export * from "./undici-transport.js";
export * from "./wait-for.js";
