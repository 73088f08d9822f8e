import { InventoryError } from "./errors.js";
import { KUBESPRAY_GROUP_ORDER } from "./groups.js";
import { parseAddress } from "./host-pattern.js";
import { migrateInventory } from "./migrate.js";
import { ALL, type Inventory, UNGROUPED } from "./model.js";
import { literalEval, pythonRepr } from "./python-literal.js";
import { pyStrip } from "./text.js";
import type { AnsibleValue } from "./values.js";

export interface WriteOptions {
  /** Rename legacy groups and declare k8s_cluster first (default true): the canonical Kubespray layout. */
  canonical?: boolean;
}

/** Groups in canonical order: Kubespray's first (fixed order), then the others as declared. */
export function canonicalGroupOrder(inv: Inventory): string[] {
  const names = [...inv.groups.keys()].filter((g) => g !== ALL && g !== UNGROUPED);
  const known = KUBESPRAY_GROUP_ORDER.filter((g) => inv.groups.has(g)) as string[];
  return [...known, ...names.filter((g) => !known.includes(g))];
}

const LINE_BREAK = /[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/;
const SHLEX_SAFE = /^[^\s'"\\#]+$/u;

/** Text for a host-line value: shlex must give back text that literal_eval turns into `value`. */
export function iniHostValue(value: AnsibleValue, key: string): string {
  let text: string | undefined;
  if (typeof value === "string" && literalEval(value) === undefined && !LINE_BREAK.test(value)) text = value;
  else text = pythonRepr(value);
  if (text === undefined) throw unwritable(`value of ${key} (${String(value)}) has no Python literal form`);
  if (text !== "" && SHLEX_SAFE.test(text)) return text;
  return `'${text.replaceAll("'", `'"'"'`)}'`;
}

/** Text for a `[g:vars]` value: stripped, no shlex, then literal_eval. */
export function iniVarsValue(value: AnsibleValue, key: string): string {
  if (
    typeof value === "string" &&
    literalEval(value) === undefined &&
    pyStrip(value).text === value &&
    !LINE_BREAK.test(value)
  )
    return value;
  const text = pythonRepr(value);
  if (text === undefined) throw unwritable(`value of ${key} (${String(value)}) has no Python literal form`);
  return text;
}

function unwritable(what: string): InventoryError {
  return new InventoryError("INI_UNWRITABLE", `cannot write ${what} in INI; write YAML instead`);
}

function checkHostName(name: string): void {
  const ok =
    SHLEX_SAFE.test(name) &&
    !name.includes("[") &&
    !name.endsWith(":") &&
    parseAddress(name).port === undefined &&
    name !== "---" &&
    !name.startsWith(";");
  if (!ok) throw unwritable(`host name '${name}'`);
}

function checkHostKey(key: string): void {
  if (!/^[^\s'"\\#=]+$/u.test(key)) throw unwritable(`host variable name '${key}'`);
}

function checkVarsKey(key: string): void {
  if (
    key.includes("=") ||
    pyStrip(key).text !== key ||
    key === "" ||
    /^[#;[]/.test(key) ||
    /[\n\r]/.test(key)
  )
    throw unwritable(`group variable name '${key}'`);
}

/**
 * Writes an inventory as INI in Kubespray's documented layout (docs/ansible/inventory.md): every host
 * once at the top with its variables, then one section per group (Kubespray's groups first, in
 * a fixed order; members in inventory order), `[g:children]` and `[g:vars]`. By default legacy names are
 * migrated and `k8s_cluster` is written explicitly. Only the inventory file's own variables are written
 * (group_vars/ and host_vars/ stay where they are). Ansible reads the result back to the same hosts,
 * groups and variables; anything INI cannot express raises InventoryError INI_UNWRITABLE.
 */
export function writeIni(source: Inventory, options: WriteOptions = {}): string {
  const inv = options.canonical === false ? source : migrateInventory(source).inventory;
  const out: string[] = [];
  for (const h of inv.hosts.values()) {
    checkHostName(h.name);
    const parts = [h.name];
    for (const [k, v] of Object.entries(h.vars)) {
      checkHostKey(k);
      parts.push(`${k}=${iniHostValue(v, k)}`);
    }
    out.push(parts.join(" "));
  }
  const allVars = Object.entries(inv.groups.get(ALL)!.vars);
  for (const name of canonicalGroupOrder(inv)) {
    const g = inv.groups.get(name)!;
    if (/[\s:\]]/u.test(name) || name.startsWith("#") || name.startsWith(";"))
      throw unwritable(`group name '${name}'`);
    if (out.length) out.push("");
    if (g.hosts.length || !g.children.length) out.push(`[${name}]`, ...g.hosts);
    if (g.children.length) {
      if (g.hosts.length) out.push("");
      out.push(`[${name}:children]`, ...g.children);
    }
    const vars = Object.entries(g.vars);
    if (g.priority !== 1) vars.push(["ansible_group_priority", g.priority]);
    if (vars.length) {
      out.push("", `[${name}:vars]`);
      for (const [k, v] of vars) {
        checkVarsKey(k);
        out.push(`${k}=${iniVarsValue(v, k)}`);
      }
    }
  }
  const ungrouped = inv.groups.get(UNGROUPED)!;
  if (ungrouped.children.length) throw unwritable("children of ungrouped");
  if (allVars.length) {
    out.push("", "[all:vars]");
    for (const [k, v] of allVars) {
      checkVarsKey(k);
      out.push(`${k}=${iniVarsValue(v, k)}`);
    }
  }
  return `${out.join("\n")}\n`;
}
