import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, extname, join } from "node:path";
import { InventoryError, InventoryParseError } from "./errors.js";
import { type ReadOptions, readIniInto } from "./ini-reader.js";
import { Inventory } from "./model.js";
import { decodeSurrogateEscape, firstLoneSurrogate, pySplitLines } from "./text.js";
import { comparePython } from "./values.js";
import { loadAdjacentVars } from "./vars-files.js";
import { readYamlInto, type YamlReadOptions } from "./yaml-reader.js";

export type InventoryFormat = "ini" | "yaml";

/** Names looked for when `readInventory` is given a directory (Kubespray's conventions). */
export const INVENTORY_FILE_NAMES = [
  "inventory.ini",
  "hosts.ini",
  "inventory.yaml",
  "inventory.yml",
  "hosts.yaml",
  "hosts.yml",
];

/** INI or YAML from the file name, as Ansible's plugins decide: `.yml`, `.yaml`, `.json` are YAML. */
export function formatFromFileName(file: string): InventoryFormat | undefined {
  const ext = extname(file).toLowerCase();
  if (ext === ".yml" || ext === ".yaml" || ext === ".json") return "yaml";
  if (ext === "") return undefined;
  return "ini";
}

/**
 * Parses inventory text the way `ansible-inventory -i FILE` tries its plugins (`auto`, `yaml`, `ini`):
 * a file without an extension or named `.yml`, `.yaml`, `.json` is read as YAML and, when that fails,
 * as INI (the `ini` plugin takes any file, so an empty or INI-shaped `hosts.yaml` is accepted as INI);
 * any other file is read as INI. When both fail the YAML error is thrown for YAML-named files, the
 * INI error otherwise. An explicit `format` reads with that reader only.
 */
export function parseInventory(
  text: string,
  options: YamlReadOptions & ReadOptions & { format?: InventoryFormat } = {},
): Inventory {
  let inv = new Inventory();
  inv.file = options.file;
  try {
    readSourceInto(inv, text, options);
  } catch (e) {
    if (!(e instanceof Fallback)) throw e;
    inv = new Inventory();
    inv.file = options.file;
    readIniOrThrow(inv, text, options, e);
  }
  inv.reconcile();
  return inv;
}

/** Thrown by `readSourceInto` when the YAML reader failed and the INI plugin is next in Ansible's order. */
class Fallback extends Error {
  constructor(readonly yamlError: InventoryError) {
    super(yamlError.message);
  }
}

/** The YAML reader, or (when `Fallback` asks) nothing yet: the caller decides what the INI attempt reads into. */
function readSourceInto(
  inv: Inventory,
  text: string,
  options: YamlReadOptions & ReadOptions & { format?: InventoryFormat },
): void {
  const named = options.file ? formatFromFileName(options.file) : undefined;
  if (options.format === "ini" || (options.format === undefined && named === "ini")) {
    readIni(inv, text, options);
    return;
  }
  if (options.format === "yaml") {
    readYamlInto(inv, text, options);
    return;
  }
  try {
    readYamlInto(inv, text, options);
  } catch (e) {
    if (!(e instanceof InventoryError)) throw e;
    throw new Fallback(e);
  }
}

/** The INI attempt after a failed YAML one: a file named `.yml`/`.yaml`/`.json` reports the YAML error when INI fails too. */
function readIniOrThrow(inv: Inventory, text: string, options: ReadOptions, fallback: Fallback): void {
  try {
    readIni(inv, text, options);
  } catch (e) {
    if (!(e instanceof InventoryError)) throw e;
    throw options.file && formatFromFileName(options.file) === "yaml" ? fallback.yamlError : e;
  }
}

function readIni(inv: Inventory, text: string, options: ReadOptions): void {
  readIniInto(inv, text, options);
  warnUndecodable(inv, text, options.file);
}

/**
 * What `ansible-inventory -i DIR` skips in a directory (ansible-core's `IGNORED`): hidden entries,
 * `group_vars`, `host_vars`, `vars_plugins`, and the default INVENTORY_IGNORE_EXTS — which include
 * `.ini`: `-i inventory/mycluster/` does NOT read `inventory.ini`.
 */
const ANSIBLE_DIR_IGNORED =
  /^\.|^host_vars$|^group_vars$|^vars_plugins$|(?:\.pyc|\.pyo|\.swp|\.bak|~|\.rpm|\.md|\.txt|\.rst|\.orig|\.ini|\.cfg|\.retry)$/;

export interface ReadInventoryOptions extends YamlReadOptions, ReadOptions {
  format?: InventoryFormat;
  /**
   * For a directory: `"ansible"` (default) reads it as `ansible-inventory -i DIR` does — every file not
   * ignored, in sorted order, sub-directories recursively, into one inventory; `"kubespray"` reads only
   * the first of `INVENTORY_FILE_NAMES` found in it (what `-i DIR/inventory.ini` reads).
   */
  directory?: "ansible" | "kubespray";
}

/**
 * Reads an inventory from disk the way `ansible-inventory -i PATH` does: the file, or every inventory
 * file of a directory (see `directory`), then `group_vars/` and `host_vars/` next to the file (in the
 * directory itself for a directory).
 */
export function readInventory(path: string, options: ReadInventoryOptions = {}): Inventory {
  let file = path;
  if (existsSync(path) && statSync(path).isDirectory()) {
    if (options.directory !== "kubespray") return readInventoryDir(path, options);
    const found = INVENTORY_FILE_NAMES.map((n) => join(path, n)).find((f) => existsSync(f));
    if (!found)
      throw new InventoryError(
        "INVENTORY_NOT_FOUND",
        `${path}: no inventory file (looked for ${INVENTORY_FILE_NAMES.join(", ")})`,
      );
    file = found;
  }
  const inv = parseInventory(readText(file), { ...options, file });
  loadAdjacentVars(inv, dirname(file));
  return inv;
}

function readText(file: string): string {
  return decodeSurrogateEscape(readFileSync(file));
}

/**
 * Ansible's INI plugin keeps bytes that are not UTF-8 (each one a lone surrogate, printed as `?` by
 * `--list`): accepted as Ansible accepts them, with a warning that names the first one.
 */
function warnUndecodable(inv: Inventory, text: string, file: string | undefined): void {
  const at = firstLoneSurrogate(text);
  if (at < 0) return;
  const before = pySplitLines(`${text.slice(0, at)}x`);
  const byte = (text.charCodeAt(at) - 0xdc00).toString(16).padStart(2, "0");
  inv.warnings.push({
    code: "INVENTORY_NOT_UTF8",
    message: `byte 0x${byte} is not UTF-8: ansible-inventory reads it as it is and prints it as '?' (save the file as UTF-8)`,
    location: { file, line: before.length, column: before[before.length - 1]!.length },
  });
}

/**
 * `ansible-inventory -i DIR`: entries in sorted order (code points, as Python sorts the byte names),
 * ignored names skipped, directories recursively; each file read by the first plugin that takes it
 * (YAML for `.yml`/`.yaml`/`.json`, YAML then INI without an extension, INI otherwise) into ONE
 * inventory, so later files add hosts, groups and variables to earlier ones. A file no plugin can read
 * is skipped with a warning, as Ansible does; when nothing at all was read, the error of the first
 * failure is thrown (Ansible would print an empty inventory).
 */
function readInventoryDir(dir: string, options: ReadInventoryOptions): Inventory {
  const inv = new Inventory();
  inv.file = dir;
  const skippedIni: string[] = [];
  const failures: { file: string; error: InventoryError }[] = [];
  let parsed = 0;
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort(comparePython)) {
      const full = join(d, name);
      if (ANSIBLE_DIR_IGNORED.test(name)) {
        if (name.endsWith(".ini") && !statSync(full).isDirectory()) skippedIni.push(full);
        continue;
      }
      if (statSync(full).isDirectory()) {
        walk(full);
        continue;
      }
      const opts = { ...options, file: full };
      try {
        const text = readText(full);
        try {
          readSourceInto(inv, text, opts);
        } catch (e) {
          if (!(e instanceof Fallback)) throw e;
          // like Ansible, the INI plugin reads into the same inventory the failed YAML attempt left
          readIniOrThrow(inv, text, opts, e);
        }
        parsed++;
      } catch (e) {
        if (!(e instanceof InventoryError)) throw e;
        failures.push({ file: full, error: e });
        inv.warnings.push({
          code: "INVENTORY_SOURCE_UNPARSED",
          message: `Unable to parse ${full} as an inventory source (${e.message.split("\n")[0]}); ansible-inventory skips it too`,
          location:
            e instanceof InventoryParseError
              ? { file: full, line: e.line, column: e.column }
              : { file: full, line: 1, column: 1 },
        });
      }
    }
  };
  walk(dir);
  const iniNote = skippedIni.length
    ? `${skippedIni.join(", ")} ${skippedIni.length > 1 ? "are" : "is"} skipped: ansible-inventory -i DIR ignores *.ini files (INVENTORY_IGNORE_EXTS)`
    : undefined;
  if (parsed === 0) {
    if (failures[0]) throw failures[0].error;
    throw new InventoryError(
      "INVENTORY_NOT_FOUND",
      `${dir}: no inventory source in the directory${iniNote ? ` (${iniNote}; pass the file itself, e.g. -i ${skippedIni[0]})` : ""}`,
    );
  }
  if (iniNote)
    inv.warnings.push({
      code: "INVENTORY_INI_SKIPPED",
      message: `${iniNote}; pass the file to read it`,
      location: { file: skippedIni[0]!, line: 1, column: 1 },
    });
  inv.reconcile();
  loadAdjacentVars(inv, dir);
  return inv;
}
