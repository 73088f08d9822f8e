/**
 * User and group quotas (src/um/Quota*.cc): the limits `one.user.quota` / `one.group.quota` set
 * are stored as DATASTORE/NETWORK/VM/IMAGE vectors; the usage (`*_USED`) is computed from the
 * state each time it is shown or checked, so it can never drift from the objects. VM quotas are
 * enforced when a VM is created (allocate, instantiate); the others are shown, not enforced.
 */
import { ErrorCode, failures, OneFailure } from "./errors.js";
import type { OneGroup, OneUser, OneVm, OpenNebulaState } from "./state.js";
import { getVectors, parseTemplate, type Template, TemplateSyntaxError } from "./template.js";
import { VmState } from "./vm-states.js";
import { cdata } from "./xml.js";

type QuotaKind = "DATASTORE" | "NETWORK" | "VM" | "IMAGE";

/** Each kind's metrics: VM in QuotaVirtualMachine::VM_METRICS order (plus 7.4's generic PCI ones). */
const METRICS: Record<QuotaKind, string[]> = {
  DATASTORE: ["IMAGES", "SIZE"],
  NETWORK: ["LEASES"],
  VM: [
    "VMS",
    "RUNNING_VMS",
    "CPU",
    "RUNNING_CPU",
    "MEMORY",
    "RUNNING_MEMORY",
    "SYSTEM_DISK_SIZE",
    "PCI_DEV",
    "RUNNING_PCI_DEV",
    "PCI_NIC",
    "RUNNING_PCI_NIC",
  ],
  IMAGE: ["RVMS"],
};
const KINDS: QuotaKind[] = ["DATASTORE", "NETWORK", "VM", "IMAGE"];

/** Quota::DEFAULT (use the default quota; the emulator has none, so unlimited) and UNLIMITED. */
const DEFAULT = -1;
const UNLIMITED = -2;

/** one_util::float_to_str of a C++ float: a whole number without decimals, else two (0.50). */
export function floatStr(n: number): string {
  const f = Math.fround(n);
  return f === Math.ceil(f) ? f.toFixed(0) : f.toFixed(2);
}

/** A C++ float written to a stream as it is (six significant digits): the limit in quota messages. */
function streamFloat(n: number): string {
  return String(Number(Math.fround(n).toPrecision(6)));
}

/**
 * Attribute::vector_value_str into a float (istringstream >> float, the whole text read): the
 * number, or null when the text is not one (oned then treats the limit as not given).
 */
function quotaLimit(raw: string): number | null {
  if (!/^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw)) return null;
  return Number(raw);
}

/** Whose usage a quota counts: a user's objects (uid) or a group's (gid). */
type Scope = { kind: "user"; id: number } | { kind: "group"; id: number };

const owns = (scope: Scope, o: { uid: number; gid: number }) =>
  scope.kind === "user" ? o.uid === scope.id : o.gid === scope.id;

/** VMs that hold RUNNING_* quota: not DONE, POWEROFF, UNDEPLOYED or STOPPED. */
const RUNNING_OFF = new Set<number>([VmState.STOPPED, VmState.DONE, VmState.POWEROFF, VmState.UNDEPLOYED]);

/**
 * VirtualMachineDisk::system_ds_size: volatile disks, and image disks whose transfer target
 * (CLONE_TARGET for a clone, LN_TARGET otherwise) is the system datastore.
 */
function systemDiskMb(vm: Pick<OneVm, "disks">): number {
  const inSystem = (d: OneVm["disks"][number]) =>
    d.imageId === null || (d.attrs.CLONE === "YES" ? d.attrs.CLONE_TARGET : d.attrs.LN_TARGET) === "SYSTEM";
  return vm.disks.filter(inSystem).reduce((a, d) => a + (Number(d.attrs.SIZE) || 0), 0);
}

/** Usage per kind and quota ID ("" for VM) of `scope`, from the state. */
function usage(state: OpenNebulaState, scope: Scope): Record<QuotaKind, Map<string, Record<string, number>>> {
  const out: Record<QuotaKind, Map<string, Record<string, number>>> = {
    DATASTORE: new Map(),
    NETWORK: new Map(),
    VM: new Map(),
    IMAGE: new Map(),
  };
  const bump = (kind: QuotaKind, id: string, metric: string, by: number) => {
    const entry = out[kind].get(id) ?? {};
    entry[metric] = (entry[metric] ?? 0) + by;
    out[kind].set(id, entry);
  };
  for (const image of state.images.values()) {
    if (!owns(scope, image)) continue;
    bump("DATASTORE", String(image.datastoreId), "IMAGES", 1);
    bump("DATASTORE", String(image.datastoreId), "SIZE", image.sizeMb);
  }
  for (const vm of state.vms.values()) {
    if (!owns(scope, vm) || vm.state === VmState.DONE) continue;
    bump("VM", "", "VMS", 1);
    bump("VM", "", "CPU", vm.cpu);
    bump("VM", "", "MEMORY", vm.memoryMb);
    bump("VM", "", "SYSTEM_DISK_SIZE", systemDiskMb(vm));
    if (!RUNNING_OFF.has(vm.state)) {
      bump("VM", "", "RUNNING_VMS", 1);
      bump("VM", "", "RUNNING_CPU", vm.cpu);
      bump("VM", "", "RUNNING_MEMORY", vm.memoryMb);
    }
    for (const nic of vm.nics) bump("NETWORK", String(nic.networkId), "LEASES", 1);
    for (const disk of vm.disks) if (disk.imageId !== null) bump("IMAGE", String(disk.imageId), "RVMS", 1);
  }
  return out;
}

function limitsOf(quotas: Template | undefined, kind: QuotaKind): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const v of getVectors(quotas ?? [], kind)) out.set(kind === "VM" ? "" : (v.ID ?? ""), v);
  return out;
}

/**
 * The four quota elements of a USER/GROUP (or a pool's QUOTAS entry): an entry for every limit
 * set and every resource in use, limits "-1" where none is set, values in CDATA as oned writes them.
 */
export function quotasXml(
  state: OpenNebulaState,
  owner: OneUser | OneGroup,
  scope: "user" | "group",
): string {
  const used = usage(state, { kind: scope, id: owner.id });
  return KINDS.map((kind) => {
    const limits = limitsOf(owner.quotas, kind);
    const ids = [...new Set([...limits.keys(), ...used[kind].keys()])].sort((a, b) => Number(a) - Number(b));
    const entries = ids.map((id) => {
      const fields: Record<string, string> = id === "" ? {} : { ID: id };
      for (const m of METRICS[kind]) {
        fields[m] = limits.get(id)?.[m] ?? String(DEFAULT);
        fields[`${m}_USED`] = floatStr(used[kind].get(id)?.[m] ?? 0);
      }
      const body = Object.keys(fields)
        .sort()
        .map((k) => `<${k}>${cdata(fields[k]!)}</${k}>`)
        .join("");
      return `<${kind}>${body}</${kind}>`;
    });
    return entries.length === 0 ? `<${kind}_QUOTA/>` : `<${kind}_QUOTA>${entries.join("")}</${kind}_QUOTA>`;
  }).join("");
}

/**
 * `one.user.quota` / `one.group.quota`: merges the quota template into the owner's limits
 * (Quota::set). Each vector replaces the entry with its ID (VM has none); a metric left out, or
 * given as something that is not a number (oned 7.4 reads `VMS="many"` as not given), becomes "-1"
 * (default), and an entry left with only defaults is dropped; negative values other than -1/-2
 * are refused with oned's message. `tag` is the `UID`/`GID` oned stamps into VM vectors (it shows in the message).
 */
export function setQuotas(
  owner: OneUser | OneGroup,
  text: string,
  tag: { name: "UID" | "GID"; id: number },
): void {
  let parsed: Template;
  try {
    parsed = parseTemplate(text);
  } catch (e) {
    if (e instanceof TemplateSyntaxError) throw failures.action(e.message, owner.id);
    throw e;
  }
  const next: Template = [...(owner.quotas ?? [])];
  for (const [name, value] of parsed) {
    const kind = name as QuotaKind;
    if (!KINDS.includes(kind) || typeof value === "string") continue;
    const given = kind === "VM" ? { ...value, [tag.name]: String(tag.id) } : value;
    const refuse = () => {
      const shown = Object.keys(given)
        .sort()
        .map((k) => `${k}=${given[k]}`)
        .join(",");
      return failures.action(`Negative limits or bad format in quota ${kind} = [ ${shown} ]`, owner.id);
    };
    const id = kind === "VM" ? "" : (given.ID ?? "");
    if (kind !== "VM" && !/^-?\d+$/.test(id.trim())) throw refuse();
    const entry: Record<string, string> = id === "" ? {} : { ID: id.trim() };
    for (const m of METRICS[kind]) {
      const n = quotaLimit(given[m] ?? "") ?? DEFAULT;
      if (!Number.isFinite(n) || (n < 0 && n !== DEFAULT && n !== UNLIMITED)) throw refuse();
      entry[m] = floatStr(n);
    }
    const at = next.findIndex(
      ([k, v]) => k === kind && typeof v !== "string" && (v.ID ?? "") === (entry.ID ?? ""),
    );
    const allDefault = METRICS[kind].every((m) => entry[m] === String(DEFAULT));
    if (at >= 0) next.splice(at, 1);
    if (!allDefault) next.push([kind, entry]);
  }
  owner.quotas = next;
}

/** A VM about to be created, as its VM quota sees it. */
export interface VmQuotaRequest {
  cpu: number;
  memoryMb: number;
  disks: OneVm["disks"];
}

/**
 * Refuses a new VM that would pass the VM quota of its owner (unless oneadmin) or its group
 * (unless oneadmin's): AUTHORIZATION `User [uid] : user [uid] limit of N reached for VMS quota in VM.`
 */
export function checkVmQuota(state: OpenNebulaState, owner: OneUser, req: VmQuotaRequest): void {
  const request: Record<string, number> = {
    VMS: 1,
    CPU: req.cpu,
    MEMORY: req.memoryMb,
    SYSTEM_DISK_SIZE: systemDiskMb(req),
    // oned charges the running quota at creation, even for a VM on hold.
    RUNNING_VMS: 1,
    RUNNING_CPU: req.cpu,
    RUNNING_MEMORY: req.memoryMb,
  };
  const check = (who: OneUser | OneGroup | undefined, scope: Scope) => {
    if (!who) return;
    const limits = limitsOf(who.quotas, "VM").get("");
    if (!limits) return;
    const used = usage(state, scope).VM.get("") ?? {};
    for (const m of METRICS.VM) {
      const want = request[m];
      if (want === undefined) continue;
      const limit = Number(limits[m] ?? DEFAULT);
      if (limit === DEFAULT || limit === UNLIMITED) continue;
      if ((used[m] ?? 0) + want > limit) {
        throw new OneFailure(
          ErrorCode.AUTHORIZATION,
          `User [${owner.id}] : ${scope.kind} [${scope.id}] limit of ${streamFloat(limit)} reached for ${m} quota in VM.`,
        );
      }
    }
  };
  if (owner.id !== 0) check(owner, { kind: "user", id: owner.id });
  if (owner.gid !== 0) check(state.groups.get(owner.gid), { kind: "group", id: owner.gid });
}

/**
 * DefaultQuotas::to_xml: `<DEFAULT_USER_QUOTAS>` / `<DEFAULT_GROUP_QUOTAS>` with the four quota
 * elements; the emulator has no default quotas (oned.conf's DEFAULT_*_QUOTAS), so they are empty.
 */
export function defaultQuotasXml(root: "DEFAULT_USER_QUOTAS" | "DEFAULT_GROUP_QUOTAS"): string {
  return `<${root}>${KINDS.map((k) => `<${k}_QUOTA/>`).join("")}</${root}>`;
}
