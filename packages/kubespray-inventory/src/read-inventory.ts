import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, extname, join } from "node:path";
import { InventoryError, InventoryParseError } from "./errors.js";
import { type ReadOptions, readIniInto } from "./ini-reader.js";
import { Inventory } from "./model.js";
import { decodeUtf8 } from "./text.js";
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
 * Reads an inventory from disk the way `ansible-inventory -i PATH` does: the file (or, for a
 * directory, its `inventory.ini`/`hosts.yaml`/…), then `group_vars/` and `host_vars/` next to it.
 */
export function readInventory(
  path: string,
  options: YamlReadOptions & ReadOptions & { format?: InventoryFormat } = {},
): Inventory {
  let file = path;
  if (existsSync(path) && statSync(path).isDirectory()) {
    const found = INVENTORY_FILE_NAMES.map((n) => join(path, n)).find((f) => existsSync(f));
    if (!found)
      throw new InventoryError(
        "INVENTORY_NOT_FOUND",
        `${path}: no inventory file (looked for ${INVENTORY_FILE_NAMES.join(", ")})`,
      );
    file = found;
  }
  const bytes = readFileSync(file);
  const format = options.format ?? formatFromFileName(file);
  const decoded = decodeUtf8(bytes, format !== "yaml");
  if ("badLine" in decoded)
    throw new InventoryParseError(
      "INVENTORY_NOT_UTF8",
      "file is not valid UTF-8",
      { file, line: decoded.badLine, column: 1 },
      "save the file as UTF-8 (only comment lines may hold other bytes)",
    );
  const inv = parseInventory(decoded.text, { ...options, file });
  loadAdjacentVars(inv, dirname(file));
  return inv;
}
