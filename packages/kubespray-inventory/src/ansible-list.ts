import { ALL, type Inventory } from "./model.js";
import type { Vars } from "./values.js";

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
  for (const h of inv.hosts.keys()) {
    const vars = inv.hostVars(h);
    if (Object.keys(vars).length) hostvars[h] = vars;
  }
  out._meta = { hostvars };
  return out as AnsibleList;
}
