import { type AnsibleList, type Inventory, toAnsibleList } from "../src/index.js";

/** An inventory's --list without group_vars/host_vars layers (what a written inventory file itself carries). */
export function fileOnlyList(inv: Inventory): AnsibleList {
  const copy = Object.assign(Object.create(Object.getPrototypeOf(inv)), inv) as Inventory;
  Object.defineProperty(copy, "groupVarsFiles", { value: new Map() });
  Object.defineProperty(copy, "hostVarsFiles", { value: new Map() });
  return toAnsibleList(copy);
}

/** The parts of a --list that must survive a write→read round trip: hostvars and every group but `all`. */
export function roundTripView(list: AnsibleList): unknown {
  const { all: _all, ...rest } = list as Record<string, unknown>;
  return JSON.parse(JSON.stringify(rest, (_k, v) => (typeof v === "bigint" ? `${v}n` : v)));
}
