export { type AnsibleList, toAnsibleList } from "./ansible-list.js";
export {
  assignRoles,
  type BuildOptions,
  buildInventory,
  groupsForRoles,
  hostNameFor,
  type KubesprayRole,
  type PlannedChanges,
  planChanges,
  type VmInput,
  type VmNic,
} from "./build.js";
export { type CliIo, EXIT, main } from "./cli.js";
export { editInventoryText, type InventoryEdit } from "./edit.js";
export { InventoryError, InventoryParseError, isInventoryError, type SourceLocation } from "./errors.js";
export * from "./group-vars-schema.js";
export * from "./groups.js";
export { expandHostPattern, HostPatternError, parseAddress } from "./host-pattern.js";
export { parseIniInventory, type ReadOptions, typeIniValue } from "./ini-reader.js";
export {
  canonicalGroupOrder,
  iniHostValue,
  iniVarsValue,
  type WriteOptions,
  writeIni,
} from "./ini-writer.js";
export { type MigrationChange, type MigrationResult, migrateInventory } from "./migrate.js";
export {
  ALL,
  type Group,
  type Host,
  Inventory,
  type InventoryWarning,
  UNGROUPED,
  type VarsLayer,
} from "./model.js";
export { literalEval, pythonRepr } from "./python-literal.js";
export {
  formatFromFileName,
  INVENTORY_FILE_NAMES,
  type InventoryFormat,
  parseInventory,
  type ReadInventoryOptions,
  readInventory,
} from "./read-inventory.js";
export { type Finding, type Severity, type ValidateOptions, validateInventory } from "./validate.js";
export {
  type AnsibleMapping,
  type AnsibleValue,
  combineVars,
  PyFloat,
  pyFloatRepr,
  toAnsibleJson,
  type Vars,
} from "./values.js";
export { findVarsFiles, loadAdjacentVars, readVarsFile } from "./vars-files.js";
export { parseYamlInventory, type YamlReadOptions } from "./yaml-reader.js";
export { quoteForPyYaml, writeYaml } from "./yaml-writer.js";
