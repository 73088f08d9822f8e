import { InventoryError, type SourceLocation } from "./errors.js";
import { type AnsibleValue, combineVars, type Vars } from "./values.js";

/** A host as the inventory declares it (variables are the ones written on the host itself). */
export interface Host {
  readonly name: string;
  /** Variables set on the host in the inventory file (host line / `hosts:` entry), in order. */
  vars: Vars;
  /** Where each of `vars` was written. */
  varLocations: Map<string, SourceLocation>;
  /** Where the host was first declared. */
  location: SourceLocation | undefined;
}

/** A group: direct member hosts and child groups in insertion order, and its inventory-file variables. */
export interface Group {
  readonly name: string;
  hosts: string[];
  children: string[];
  parents: string[];
  vars: Vars;
  varLocations: Map<string, SourceLocation>;
  /** `ansible_group_priority` (default 1); not a variable in Ansible either. */
  priority: number;
  location: SourceLocation | undefined;
}

/** Variables from a `group_vars/<name>` or `host_vars/<name>` entry (all its files merged in order). */
export interface VarsLayer {
  vars: Vars;
  varLocations: Map<string, SourceLocation>;
  files: string[];
}

/** Something Ansible would accept but only with a warning, or a lossy spot a user should see. */
export interface InventoryWarning {
  code: string;
  message: string;
  location?: SourceLocation | undefined;
}

/** A set of direct groups shared by every host that has exactly these groups (in this order). */
interface Membership {
  readonly groups: readonly string[];
  /** `groups` joined with NUL: equal for hosts that share every group variable layer. */
  readonly signature: string;
  readonly next: Map<string, Membership>;
}

export const ALL = "all";
export const UNGROUPED = "ungrouped";

/**
 * An inventory as Ansible's `InventoryData` holds it: ordered hosts and groups, group children,
 * variables on both, plus the adjacent `group_vars/` and `host_vars/` layers. Readers fill it the way
 * Ansible's plugins do; `toAnsibleList()` prints it the way `ansible-inventory --list` does.
 */
export class Inventory {
  readonly hosts = new Map<string, Host>();
  readonly groups = new Map<string, Group>();
  readonly warnings: InventoryWarning[] = [];
  /** `group_vars/<group>` layers keyed by group name (applied only to groups that exist). */
  readonly groupVarsFiles = new Map<string, VarsLayer>();
  /** `host_vars/<host>` layers keyed by host name. */
  readonly hostVarsFiles = new Map<string, VarsLayer>();
  /** File the inventory was read from, if any. */
  file: string | undefined;
  /**
   * host → the groups it is a direct member of (kept in step with `Group.hosts`). Hosts with the same
   * groups share one `Membership` (found through a transition tree, like hidden classes), so a host
   * costs no allocation of its own and its group signature is ready-made.
   */
  private readonly memberOf = new Map<string, Membership>();
  /** Bumped by every change to hosts, groups or membership; `reconcile()` is skipped when nothing changed since the last one. */
  private treeVersion = 0;
  private reconciledAt = -1;
  private readonly noGroups: Membership = { groups: [], signature: "", next: new Map() };
  private ancestorCache = new Map<string, Set<string>>();
  private depthMemo: Map<string, number> | undefined;
  /** direct-group signature → the host's groups in variable precedence order (cleared when the tree changes). */
  private orderCache: Map<string, string[]> | undefined;

  constructor() {
    this.addGroup(ALL);
    this.addGroup(UNGROUPED);
    this.addChild(ALL, UNGROUPED);
  }

  addGroup(name: string, location?: SourceLocation): Group {
    if (!name) throw new InventoryError("INVENTORY_EMPTY_GROUP", `Invalid empty group name provided`);
    let g = this.groups.get(name);
    if (!g) {
      g = {
        name,
        hosts: [],
        children: [],
        parents: [],
        vars: {},
        varLocations: new Map(),
        priority: 1,
        location,
      };
      this.groups.set(name, g);
      this.treeVersion++;
    }
    return g;
  }

  /** Adds (or finds) a host; with `group`, also makes it a direct member. `port` is kept only on creation, as Ansible does. */
  addHost(name: string, group?: string, port?: number, location?: SourceLocation): Host {
    if (!name) throw new InventoryError("INVENTORY_EMPTY_HOST", "Invalid empty host name provided");
    let h = this.hosts.get(name);
    if (!h) {
      h = { name, vars: {}, varLocations: new Map(), location };
      this.hosts.set(name, h);
      this.treeVersion++;
      if (port) this.setHostVariable(h, "ansible_port", port, location);
    }
    if (group !== undefined) {
      const g = this.groups.get(group);
      if (!g)
        throw new InventoryError("INVENTORY_UNKNOWN_GROUP", `Could not find group ${group} in inventory`);
      this.link(g, name);
    }
    return h;
  }

  /** Makes `child` (a group or a host) a member of `group`, refusing dependency loops as Ansible does. */
  addChild(group: string, child: string): void {
    const g = this.groups.get(group);
    if (!g) throw new InventoryError("INVENTORY_UNKNOWN_GROUP", `${group} is not a known group`);
    const cg = this.groups.get(child);
    if (cg) {
      if (group === child)
        throw new InventoryError("INVENTORY_GROUP_LOOP", `can't add group ${group} to itself`);
      if (g.children.includes(child)) return;
      if (this.ancestors(group).has(child))
        throw new InventoryError(
          "INVENTORY_GROUP_LOOP",
          `Adding group '${child}' as child to '${group}' creates a recursive dependency loop.`,
        );
      g.children.push(child);
      if (!cg.parents.includes(group)) cg.parents.push(group);
      this.ancestorCache.clear();
      this.depthMemo = undefined;
      this.orderCache = undefined;
      this.treeVersion++;
    } else if (this.hosts.has(child)) {
      this.link(g, child);
    } else throw new InventoryError("INVENTORY_UNKNOWN_CHILD", `${child} is not a known host nor group`);
  }

  /**
   * Ansible's `InventoryData.set_variable`: the name is looked up as a group FIRST, so on a host that
   * has the name of a group (`bastion` in `[bastion]`) the variable lands on the group.
   */
  setVariable(entity: string, key: string, value: AnsibleValue, location?: SourceLocation): void {
    const g = this.groups.get(entity);
    if (g) {
      if (key === "ansible_group_priority") {
        g.priority = toPriority(value);
        this.orderCache = undefined;
        return;
      }
      g.vars[key] = value;
      if (location) g.varLocations.set(key, location);
      return;
    }
    const h = this.hosts.get(entity);
    if (!h)
      throw new InventoryError(
        "INVENTORY_UNKNOWN_ENTITY",
        `Could not identify group or host named ${entity}`,
      );
    this.setHostVariable(h, key, value, location);
  }

  private setHostVariable(h: Host, key: string, value: AnsibleValue, location?: SourceLocation): void {
    h.vars[key] = value;
    if (location) h.varLocations.set(key, location);
  }

  /** Removes a child group from a group (the child group itself stays). */
  removeChild(group: string, child: string): void {
    const g = this.groups.get(group);
    const c = this.groups.get(child);
    if (!g || !c || !g.children.includes(child)) return;
    g.children.splice(g.children.indexOf(child), 1);
    c.parents.splice(c.parents.indexOf(group), 1);
    this.ancestorCache.clear();
    this.depthMemo = undefined;
    this.orderCache = undefined;
    this.treeVersion++;
  }

  private link(g: Group, host: string): void {
    const m = this.memberOf.get(host) ?? this.noGroups;
    if (m.groups.includes(g.name)) return;
    this.memberOf.set(host, this.extend(m, g.name));
    g.hosts.push(host);
    this.treeVersion++;
  }

  private extend(m: Membership, group: string): Membership {
    let n = m.next.get(group);
    if (!n) {
      n = {
        groups: [...m.groups, group],
        signature: m.groups.length ? `${m.signature}\u0000${group}` : group,
        next: new Map(),
      };
      m.next.set(group, n);
    }
    return n;
  }

  private membership(groups: readonly string[]): Membership {
    let m = this.noGroups;
    for (const g of groups) m = this.extend(m, g);
    return m;
  }

  /** Takes a host out of one group (it stays in the inventory and its other groups). */
  removeFromGroup(group: string, host: string): void {
    const g = this.groups.get(group);
    const m = this.memberOf.get(host);
    if (!g || !m?.groups.includes(group)) return;
    this.memberOf.set(host, this.membership(m.groups.filter((x) => x !== group)));
    g.hosts.splice(g.hosts.indexOf(host), 1);
    this.treeVersion++;
  }

  /** Removes a host from the inventory and every group; other hosts and groups keep their order. */
  removeHost(host: string): void {
    for (const g of this.memberOf.get(host)?.groups ?? []) this.removeFromGroup(g, host);
    this.memberOf.delete(host);
    this.hosts.delete(host);
    this.treeVersion++;
  }

  /** A key equal for hosts with the same direct groups (they share every group variable layer). */
  groupSignature(host: string): string {
    return this.memberOf.get(host)?.signature ?? "";
  }

  /** Groups the host is a direct member of. */
  directGroups(host: string): string[] {
    return [...(this.memberOf.get(host)?.groups ?? [])];
  }

  /** Every group above `name` (not including it). */
  ancestors(name: string): Set<string> {
    const cached = this.ancestorCache.get(name);
    if (cached) return cached;
    const seen = new Set<string>();
    const stack = [...(this.groups.get(name)?.parents ?? [])];
    while (stack.length) {
      const p = stack.pop()!;
      if (seen.has(p)) continue;
      seen.add(p);
      stack.push(...(this.groups.get(p)?.parents ?? []));
    }
    this.ancestorCache.set(name, seen);
    return seen;
  }

  /** Groups the host is in, directly or through a child group (including `all`). */
  hostGroups(host: string): Set<string> {
    const out = new Set<string>();
    for (const g of this.memberOf.get(host)?.groups ?? []) {
      out.add(g);
      for (const a of this.ancestors(g)) out.add(a);
    }
    return out;
  }

  /** Every host under a group, direct or through children, each once, in Ansible's order. */
  groupHosts(name: string): string[] {
    const out: string[] = [];
    const seenHosts = new Set<string>();
    const seenGroups = new Set<string>();
    const walk = (gname: string) => {
      if (seenGroups.has(gname)) return;
      seenGroups.add(gname);
      const g = this.groups.get(gname);
      if (!g) return;
      for (const c of g.children) walk(c);
      for (const h of g.hosts) {
        if (!seenHosts.has(h)) {
          seenHosts.add(h);
          out.push(h);
        }
      }
    };
    walk(name);
    return out;
  }

  /** Longest path from `all` (Ansible's group depth, used to order group variables). */
  depth(name: string, memo = new Map<string, number>()): number {
    if (name === ALL) return 0;
    const known = memo.get(name);
    if (known !== undefined) return known;
    memo.set(name, 0);
    let d = 0;
    for (const p of this.groups.get(name)?.parents ?? []) d = Math.max(d, this.depth(p, memo) + 1);
    memo.set(name, d);
    return d;
  }

  /**
   * Ansible's `reconcile_inventory`: parentless groups become children of `all`, a host in no group
   * goes to `ungrouped`, and a host in `ungrouped` that has another group leaves it.
   */
  reconcile(): void {
    if (this.reconciledAt === this.treeVersion) return;
    for (const g of this.groups.values()) {
      if (g.name !== ALL && g.parents.length === 0) this.addChild(ALL, g.name);
    }
    const ungrouped = this.groups.get(UNGROUPED)!;
    const leaving = new Set<string>();
    // Decided on direct groups alone: ancestors only ever add `all` or groups above a real group.
    for (const h of this.hosts.keys()) {
      const direct = this.memberOf.get(h)?.groups;
      if (direct?.includes(UNGROUPED)) {
        for (const g of direct) {
          if (g !== ALL && g !== UNGROUPED) {
            leaving.add(h);
            break;
          }
        }
      } else if (!direct || direct.length === 0 || (direct.length === 1 && direct[0] === ALL)) {
        this.link(ungrouped, h);
      }
    }
    if (leaving.size) {
      ungrouped.hosts = ungrouped.hosts.filter((h) => !leaving.has(h));
      for (const h of leaving) {
        const m = this.memberOf.get(h);
        if (m) this.memberOf.set(h, this.membership(m.groups.filter((x) => x !== UNGROUPED)));
      }
    }
    this.reconciledAt = this.treeVersion;
  }

  /**
   * A host's variables as Ansible computes them for `--list`: `[all:vars]`, then inventory group vars
   * by (depth, priority, name), `group_vars/all`, `group_vars/<g>` in the same order, the host's own
   * inventory vars, `host_vars/<host>`.
   */
  hostVars(host: string): Vars {
    const vars: Vars = {};
    for (const layer of this.hostLayers(host)) combineVars(vars, layer.vars);
    return vars;
  }

  /**
   * The variable layers that apply to a host, lowest precedence first: `[all:vars]`, inventory group
   * vars by (depth, priority, name), `group_vars/all`, `group_vars/<g>` in the same order, the host's
   * own inventory vars, `host_vars/<host>`.
   */
  hostLayers(host: string): { vars: Vars; varLocations: Map<string, SourceLocation> }[] {
    const h = this.hosts.get(host);
    if (!h) throw new InventoryError("INVENTORY_UNKNOWN_HOST", `Unknown host ${host}`);
    const signature = this.groupSignature(host);
    const cache = this.orderCache ?? new Map<string, string[]>();
    this.orderCache = cache;
    let order = cache.get(signature);
    if (!order) {
      const memo = this.depthMemo ?? new Map<string, number>();
      this.depthMemo = memo;
      order = [...this.hostGroups(host)]
        .filter((g) => g !== ALL)
        .sort((x, y) => {
          const a = this.groups.get(x)!;
          const b = this.groups.get(y)!;
          const d = this.depth(a.name, memo) - this.depth(b.name, memo);
          if (d) return d;
          if (a.priority !== b.priority) return a.priority - b.priority;
          return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
        });
      cache.set(signature, order);
    }
    const groups = order.map((g) => this.groups.get(g)!);
    const layers: { vars: Vars; varLocations: Map<string, SourceLocation> }[] = [this.groups.get(ALL)!];
    layers.push(...groups);
    const allFile = this.groupVarsFiles.get(ALL);
    if (allFile) layers.push(allFile);
    for (const g of groups) {
      const layer = this.groupVarsFiles.get(g.name);
      if (layer) layers.push(layer);
    }
    layers.push(h);
    const hostFile = this.hostVarsFiles.get(host);
    if (hostFile) layers.push(hostFile);
    return layers;
  }

  /** Where the value a host sees for `key` was written (the highest layer that sets it). */
  varSource(host: string, key: string): SourceLocation | undefined {
    const layers = this.hostLayers(host);
    for (let i = layers.length - 1; i >= 0; i--)
      if (key in layers[i]!.vars) return layers[i]!.varLocations.get(key);
    return undefined;
  }

  /** Like `hostVars`, plus where each winning value was written. */
  hostVarsWithSources(host: string): { vars: Vars; locations: Map<string, SourceLocation> } {
    const vars: Vars = {};
    const locations = new Map<string, SourceLocation>();
    for (const layer of this.hostLayers(host)) {
      combineVars(vars, layer.vars);
      for (const k of Object.keys(layer.vars)) {
        const l = layer.varLocations.get(k);
        if (l) locations.set(k, l);
        else locations.delete(k);
      }
    }
    return { vars, locations };
  }
}

function toPriority(value: AnsibleValue): number {
  const n = typeof value === "string" ? Number(value.trim()) : Number(value);
  if (!Number.isInteger(n))
    throw new InventoryError(
      "INVENTORY_BAD_PRIORITY",
      `ansible_group_priority must be an integer, got ${String(value)}`,
    );
  return n;
}
