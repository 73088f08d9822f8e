import { ALL, type Inventory } from "./model.js";
import { type AnsibleValue, combineVars, sameStrings, sortedKeys, type Vars } from "./values.js";

/** The JSON document `ansible-inventory -i FILE --list` prints. */
export interface AnsibleList {
  _meta: { hostvars: Record<string, Vars> };
  [group: string]: { hosts?: string[]; children?: string[] } | { hostvars: Record<string, Vars> };
}

/**
 * What `ansible-inventory --list` prints for this inventory: one key per group that has hosts or
 * children (empty groups are omitted but stay in their parent's `children`), `all` with only
 * `children`, and `_meta.hostvars` for every host that ends up with at least one variable.
 * Print it with `toAnsibleJson()` for Ansible's exact text (sorted keys, 4-space indent).
 */
export function toAnsibleList(inv: Inventory): AnsibleList {
  inv.reconcile();
  const out: Record<string, unknown> = {};
  const seen = new Set<string>();
  const format = (name: string) => {
    const g = inv.groups.get(name)!;
    const entry: { hosts?: string[]; children?: string[] } = {};
    if (name !== ALL && g.hosts.length) entry.hosts = [...g.hosts];
    const children: string[] = [];
    for (const c of g.children) {
      children.push(c);
      if (!seen.has(c)) {
        format(c);
        seen.add(c);
      }
    }
    if (children.length) entry.children = children;
    if (entry.hosts || entry.children) out[name] = entry;
  };
  format(ALL);
  const hostvars: Record<string, Vars> = {};
  // Hosts with the same direct groups share every layer below their own variables: those are merged
  // once per group signature, and each host's object is built with its keys already in the order
  // `toAnsibleJson` prints them (one key order per signature and own-key list), so printing copies nothing.
  const shared = new Map<string, Vars>();
  const orders = new Map<string, { ownKeys: string[]; keys: string[]; own: boolean[] }[]>();
  for (const [name, host] of inv.hosts) {
    const sig = inv.groupSignature(name);
    let below = shared.get(sig);
    if (below === undefined) {
      below = {};
      for (const layer of inv.hostLayers(name)) {
        if (layer === host) break;
        combineVars(below, layer.vars);
      }
      shared.set(sig, below);
    }
    const file = inv.hostVarsFiles.get(name);
    const top = file ? combineVars({ ...host.vars }, file.vars) : host.vars;
    const ownKeys = Object.keys(top);
    let known = orders.get(sig);
    if (known === undefined) {
      known = [];
      orders.set(sig, known);
    }
    let order = known.find((o) => sameStrings(o.ownKeys, ownKeys));
    if (order === undefined) {
      const keys = sortedKeys([...new Set([...Object.keys(below), ...ownKeys])]);
      order = { ownKeys, keys, own: keys.map((k) => k in top) };
      known.push(order);
    }
    if (order.keys.length === 0) continue;
    const vars: Vars = {};
    for (let i = 0; i < order.keys.length; i++) {
      const k = order.keys[i]!;
      const v = order.own[i] ? top[k] : below[k];
      if (k === "__proto__")
        Object.defineProperty(vars, k, { value: v, enumerable: true, writable: true, configurable: true });
      else vars[k] = v as AnsibleValue;
    }
    hostvars[name] = vars;
  }
  out._meta = { hostvars };
  return out as AnsibleList;
}
