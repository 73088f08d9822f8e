import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join } from "node:path";
import { InventoryParseError, type SourceLocation } from "./errors.js";
import { prepareYamlText } from "./libyaml-parity.js";
import type { Inventory, InventoryWarning, VarsLayer } from "./model.js";
import { decodeSurrogateEscape } from "./text.js";
import type { AnsibleValue, Vars } from "./values.js";
import { isMap } from "./yaml-nodes.js";
import { parseYamlDocument } from "./yaml-reader.js";
import {
  type ConvertContext,
  DEFAULT_MAX_ALIAS_NODES,
  deref,
  keyText,
  locate,
  mappingEntries,
  nodeValue,
} from "./yaml-values.js";

const VARS_EXTENSIONS = [".yml", ".yaml", ".json"];

/**
 * The files Ansible's `host_group_vars` plugin reads for one group or host (`DataLoader.find_vars_files`):
 * `<dir>/<name>` (a directory, read recursively in sorted order, or a file), else `<name>.yml`,
 * `.yaml`, `.json` — the first that exists wins.
 */
export function findVarsFiles(dir: string, name: string): string[] {
  for (const ext of ["", ...VARS_EXTENSIONS]) {
    const full = join(dir, name + ext);
    if (!existsSync(full)) continue;
    if (statSync(full).isDirectory()) return dirVarsFiles(full);
    return [full];
  }
  return [];
}

function dirVarsFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    if (entry.startsWith(".") || entry.endsWith("~")) continue;
    const ext = extname(entry);
    const full = join(dir, entry);
    const st = statSync(full);
    if (st.isDirectory() && !ext) found.push(...dirVarsFiles(full));
    else if (st.isFile() && (!ext || VARS_EXTENSIONS.includes(ext))) found.push(full);
  }
  return found;
}

/** Reads one vars file (YAML 1.1 typing as Ansible's loader; must be a mapping or empty). */
export function readVarsFile(
  file: string,
  text?: string,
): { vars: Vars; locations: Map<string, SourceLocation>; warnings: InventoryWarning[] } {
  // read and decoded as Ansible's DataLoader reads it; non-UTF-8 bytes are refused by the YAML step
  const source = prepareYamlText(text ?? decodeSurrogateEscape(readFileSync(file)), file);
  const { doc, lines } = parseYamlDocument(source, file);
  const warnings: InventoryWarning[] = [];
  const ctx: ConvertContext = {
    doc,
    lines,
    file,
    aliasBudget: DEFAULT_MAX_ALIAS_NODES,
    warn: (code, message, location) => warnings.push({ code, message, location }),
  };
  const root = deref(doc.contents, ctx);
  const vars: Vars = {};
  const locations = new Map<string, SourceLocation>();
  if (root === null || root === undefined) return { vars, locations, warnings };
  if (!isMap(root)) {
    const v = nodeValue(root, ctx);
    if (v === null) return { vars, locations, warnings };
    throw new InventoryParseError(
      "VARS_NOT_MAPPING",
      `vars file must hold a mapping, got ${Array.isArray(v) ? "a list" : typeof v}`,
      locate(ctx, root as never),
      "write one 'name: value' per line",
    );
  }
  for (const e of mappingEntries(root, ctx)) {
    const k = keyText(e.key);
    vars[k] = nodeValue(e.value, ctx) as AnsibleValue;
    locations.set(k, locate(ctx, e.keyNode as never));
  }
  return { vars, locations, warnings };
}

/** One `group_vars/<name>` or `host_vars/<name>` layer; the files' warnings (duplicate keys) go to `warnings`. */
function layerFrom(files: string[], warnings: InventoryWarning[]): VarsLayer | undefined {
  if (files.length === 0) return undefined;
  const layer: VarsLayer = { vars: {}, varLocations: new Map(), files };
  for (const f of files) {
    const { vars, locations, warnings: fileWarnings } = readVarsFile(f);
    warnings.push(...fileWarnings);
    for (const [k, v] of Object.entries(vars)) {
      layer.vars[k] = v;
      const l = locations.get(k);
      if (l) layer.varLocations.set(k, l);
    }
  }
  return layer;
}

/**
 * Loads `group_vars/` and `host_vars/` from `dir` (the inventory file's folder) for every group and
 * host the inventory declares — a `group_vars/<g>` entry for a group that does not exist is ignored,
 * as Ansible ignores it.
 */
export function loadAdjacentVars(inv: Inventory, dir: string): void {
  const gdir = join(dir, "group_vars");
  if (existsSync(gdir) && statSync(gdir).isDirectory()) {
    for (const g of inv.groups.keys()) {
      const layer = layerFrom(findVarsFiles(gdir, g), inv.warnings);
      if (layer) inv.groupVarsFiles.set(g, layer);
    }
  }
  const hdir = join(dir, "host_vars");
  if (existsSync(hdir) && statSync(hdir).isDirectory()) {
    for (const h of inv.hosts.keys()) {
      const layer = layerFrom(findVarsFiles(hdir, h), inv.warnings);
      if (layer) inv.hostVarsFiles.set(h, layer);
    }
  }
}
