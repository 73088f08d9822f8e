import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, extname, join } from "node:path";
import { InventoryError, InventoryParseError } from "./errors.js";
import { type ReadOptions, readIniInto } from "./ini-reader.js";
import { Inventory } from "./model.js";
import { decodeUtf8 } from "./text.js";
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

/** Parses inventory text; `format` defaults to the file extension, and an extension-less file is tried as YAML, then INI (Ansible's order). */
export function parseInventory(
  text: string,
  options: YamlReadOptions & ReadOptions & { format?: InventoryFormat } = {},
): Inventory {
  const format = options.format ?? (options.file ? formatFromFileName(options.file) : undefined);
  const inv = new Inventory();
  inv.file = options.file;
  if (format === "ini") readIniInto(inv, text, options);
  else if (format === "yaml") readYamlInto(inv, text, options);
  else {
    try {
      readYamlInto(inv, text, options);
    } catch (e) {
      if (!(e instanceof InventoryError)) throw e;
      const fresh = new Inventory();
      fresh.file = options.file;
      readIniInto(fresh, text, options);
      fresh.reconcile();
      return fresh;
    }
  }
  inv.reconcile();
  return inv;
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
  const inv = parseInventory(readText(file, options.format), { ...options, file });
  loadAdjacentVars(inv, dirname(file));
  return inv;
}

function readText(file: string, format: InventoryFormat | undefined): string {
  const bytes = readFileSync(file);
  const decoded = decodeUtf8(bytes, (format ?? formatFromFileName(file)) !== "yaml");
  if ("badLine" in decoded)
    throw new InventoryParseError(
      "INVENTORY_NOT_UTF8",
      "file is not valid UTF-8",
      { file, line: decoded.badLine, column: 1 },
      "save the file as UTF-8 (only comment lines may hold other bytes)",
    );
  return decoded.text;
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
      const format = options.format ?? formatFromFileName(full);
      const opts = { ...options, file: full };
      try {
        const text = readText(full, format);
        if (format === "ini") readIniInto(inv, text, opts);
        else if (format === "yaml") readYamlInto(inv, text, opts);
        else {
          try {
            readYamlInto(inv, text, opts);
          } catch (e) {
            if (!(e instanceof InventoryError)) throw e;
            readIniInto(inv, text, opts);
          }
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
