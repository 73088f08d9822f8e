export * from "./coerce.js";
export * from "./enums.js";
export * from "./shared.js";
export * from "./template-record.js";
export * from "./vm.js";
