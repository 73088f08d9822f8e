import { Document, type Node, Scalar, visit } from "yaml";
import { canonicalGroupOrder, type WriteOptions } from "./ini-writer.js";
import { migrateInventory } from "./migrate.js";
import { ALL, type Inventory } from "./model.js";
import { type AnsibleValue, PyFloat, type Vars } from "./values.js";
import { resolvePlainScalar } from "./yaml-values.js";

type Plain = null | AnsibleValue | { [k: string]: Plain };

/**
 * Quotes every string PyYAML would not read back as that string (`yes`, `010`, `1:20`, `2024-01-02`,
 * `=`, `~`, …): the `yaml` package's own 1.1 rules differ from PyYAML's in places.
 */
export function quoteForPyYaml(doc: Document | Node): void {
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== "string") return;
      const v = node.value;
      if (node.type === Scalar.PLAIN || node.type === undefined) {
        if (v === "" || v === "=" || v === "<<" || resolvePlainScalar(v) !== v || /^[\s]|[\s]$/.test(v))
          node.type = Scalar.QUOTE_DOUBLE;
      }
    },
  });
}

/** Document options every writer uses: YAML 1.1 (what Ansible reads), empty nulls as the builder wrote them. */
export const YAML_TO_STRING = { nullStr: "", indent: 2, lineWidth: 0 } as const;

/**
 * Writes an inventory as YAML in the shape of Kubespray's former inventory builder (docs/reference/kubespray/FORMAT.md §3):
 * `all.hosts` with each host's variables (hosts in inventory order), `all.vars`, then `all.children`
 * with one entry per group in canonical order (`hosts` and `children` as name → null, `vars`).
 * Legacy names are migrated and `k8s_cluster` is written explicitly unless `canonical: false`.
 */
export function writeYaml(source: Inventory, options: WriteOptions = {}): string {
  const inv = options.canonical === false ? source : migrateInventory(source).inventory;
  const hosts: Record<string, Plain> = {};
  for (const h of inv.hosts.values()) hosts[h.name] = Object.keys(h.vars).length ? copyVars(h.vars) : null;
  const all: Record<string, Plain> = { hosts };
  const allGroup = inv.groups.get(ALL)!;
  if (Object.keys(allGroup.vars).length) all.vars = copyVars(allGroup.vars);
  const children: Record<string, Plain> = {};
  for (const name of canonicalGroupOrder(inv)) {
    const g = inv.groups.get(name)!;
    const body: Record<string, Plain> = {};
    body.hosts = Object.fromEntries(g.hosts.map((h) => [h, null]));
    if (g.children.length) {
      body.children = Object.fromEntries(g.children.map((c) => [c, null]));
      if (g.hosts.length === 0) delete body.hosts;
    }
    const vars = copyVars(g.vars);
    if (g.priority !== 1) vars.ansible_group_priority = g.priority;
    if (Object.keys(vars).length) body.vars = vars;
    children[name] = body;
  }
  if (Object.keys(children).length) all.children = children;
  const doc = new Document({ all }, { version: "1.1" });
  quoteForPyYaml(doc);
  return doc.toString(YAML_TO_STRING);
}

/**
 * A value ready for the `yaml` package: a `PyFloat` becomes a number scalar printed with a fraction
 * (`1.0`), so PyYAML reads a float back; everything else is kept as it is.
 */
export function forYaml(v: unknown): unknown {
  if (v instanceof PyFloat) {
    const s = new Scalar(v.value);
    s.minFractionDigits = 1;
    return s;
  }
  if (Array.isArray(v)) return v.some(hasFloat) ? v.map(forYaml) : v;
  if (v && typeof v === "object" && hasFloat(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === "__proto__")
        Object.defineProperty(out, k, {
          value: forYaml(x),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      else out[k] = forYaml(x);
    }
    return out;
  }
  return v;
}

function hasFloat(v: unknown): boolean {
  if (v instanceof PyFloat) return true;
  if (Array.isArray(v)) return v.some(hasFloat);
  if (v && typeof v === "object") return Object.values(v).some(hasFloat);
  return false;
}

function copyVars(vars: Vars): Record<string, Plain> {
  const out: Record<string, Plain> = {};
  for (const [k, raw] of Object.entries(vars)) {
    const v = forYaml(raw) as Plain;
    if (k === "__proto__")
      Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    else out[k] = v;
  }
  return out;
}
