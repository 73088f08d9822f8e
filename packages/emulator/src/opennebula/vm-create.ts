/**
 * VM creation (`one.vm.allocate`, `one.template.instantiate`): the template checked, DISKs bound
 * to images, NICs given leases, the context (network context, CONTEXT disk) and OS UUID oned adds,
 * and the VM put on the agenda for the scheduler.
 */
import { randomUUID } from "node:crypto";
import { failures } from "./errors.js";
import { checkVmQuota } from "./quotas.js";
import {
  type AddressRange,
  DEFAULT_PERMISSIONS,
  type OneImage,
  type OneUser,
  type OneVm,
  type OpenNebulaState,
  type VmNic,
} from "./state.js";
import { getAttr, getVectors, type Template } from "./template.js";
import { assignDiskTargets, buildDisk, useImage } from "./vm-disks.js";
import { leaseNic } from "./vm-leases.js";
import { LcmState, VmState } from "./vm-states.js";
import { scheduleVm } from "./vm-steps.js";

/** A template's number when it is a positive integer or decimal, else null. */
export function positiveNumber(value: string | undefined): number | null {
  if (value === undefined || !/^\s*\d+(\.\d+)?\s*$/.test(value)) return null;
  const n = Number(value);
  return n > 0 ? n : null;
}

/**
 * The contextualization CD is a disk too: oned gives CONTEXT the next DISK_ID after the VM's disks
 * (so a disk attached later gets the one after it) and an hd target.
 */
function withContextDisk(t: Template, diskCount: number): Template {
  const context = t.find(([k]) => k === "CONTEXT");
  if (context !== undefined && typeof context[1] !== "string")
    context[1] = { ...context[1], DISK_ID: String(diskCount), TARGET: "hda" };
  return t;
}

/**
 * VirtualMachineContext.cc's NETWORK_CONTEXT and NETWORK6_CONTEXT: [context name, NIC attribute,
 * its alternative, whether the address range and the network are looked up when the NIC has none].
 */
const NETWORK_CONTEXT: ReadonlyArray<[string, string, string, boolean]> = [
  ["IP", "IP", "", false],
  ["MAC", "MAC", "", false],
  ["MASK", "NETWORK_MASK", "", true],
  ["NETWORK", "NETWORK_ADDRESS", "", true],
  ["GATEWAY", "GATEWAY", "", true],
  ["DNS", "DNS", "", true],
  ["SEARCH_DOMAIN", "SEARCH_DOMAIN", "", true],
  ["MTU", "GUEST_MTU", "", true],
  ["METRIC", "METRIC", "", true],
  ["METHOD", "METHOD", "", true],
  ["VLAN_ID", "VLAN_ID", "", true],
  ["VROUTER_IP", "VROUTER_IP", "", false],
  ["VROUTER_MANAGEMENT", "VROUTER_MANAGEMENT", "", false],
  ["EXTERNAL", "EXTERNAL", "", false],
  ["ROUTES", "ROUTES", "", true],
  ["IP6", "IP6_GLOBAL", "IP6", false],
  ["IP6_ULA", "IP6_ULA", "", false],
  ["IP6_GATEWAY", "GATEWAY6", "", true],
  ["IP6_METRIC", "IP6_METRIC", "", true],
  ["IP6_METHOD", "IP6_METHOD", "", true],
  ["IP6_PREFIX_LENGTH", "PREFIX_LENGTH", "", true],
  ["VROUTER_IP6", "VROUTER_IP6_GLOBAL", "VROUTER_IP6", false],
];

/**
 * VirtualMachine::generate_network_context: with CONTEXT NETWORK="YES", ETH<NIC_ID>_* for every
 * NIC (oned writes them at allocation and again when a NIC is attached or detached): the NIC's own
 * value, else `$NETWORK[…]`'s — the NIC's address range, then its network's template — else empty.
 */
export function setNetworkContext(state: OpenNebulaState, template: Template, nics: VmNic[]): void {
  const entry = template.find(([k]) => k === "CONTEXT");
  if (entry === undefined || typeof entry[1] === "string") return;
  const context = Object.fromEntries(Object.entries(entry[1]).filter(([k]) => !/^ETH\d+_/.test(k)));
  if ((context.NETWORK ?? "").toUpperCase() === "YES")
    for (const nic of [...nics].sort((a, b) => a.nicId - b.nicId)) {
      const vnet = state.vnets.get(nic.networkId);
      const ar = vnet?.ars.find((a) => a.id === nic.arId);
      for (const [name, attr, alt, lookUp] of NETWORK_CONTEXT) {
        let value = nic.attrs[attr] ?? "";
        if (value === "" && alt !== "") value = nic.attrs[alt] ?? "";
        if (value === "" && lookUp)
          value = ar?.extra[attr] || (vnet === undefined ? "" : (getAttr(vnet.template, attr) ?? ""));
        context[`ETH${nic.nicId}_${name}`] = value;
      }
    }
  entry[1] = context;
}

/** The DISK_ID the CONTEXT disk holds, if any (see withContextDisk). */
export function contextDiskId(vm: OneVm): number | undefined {
  const context = vm.template.find(([k]) => k === "CONTEXT")?.[1];
  const id = typeof context === "string" || context === undefined ? undefined : context.DISK_ID;
  return id === undefined ? undefined : Number(id);
}

/** oned gives every VM an OS/UUID (the libvirt domain UUID) at allocation. */
function withOsUuid(t: Template): Template {
  const os = t.find(([k]) => k === "OS");
  if (os === undefined) return [...t, ["OS", { UUID: randomUUID() }]];
  if (typeof os[1] !== "string" && os[1].UUID === undefined) os[1] = { ...os[1], UUID: randomUUID() };
  return t;
}

/** The rules of the NICs' security groups as SECURITY_GROUP_RULE vectors, each group once (as oned). */
function withSecurityGroupRules(state: OpenNebulaState, t: Template, nics: VmNic[]): Template {
  const ids = new Set(
    nics.flatMap((n) => (n.attrs.SECURITY_GROUPS ?? "").split(",").filter((x) => /^\d+$/.test(x.trim()))),
  );
  for (const id of [...ids].map(Number).sort((x, y) => x - y)) {
    const sg = state.secgroups.get(id);
    if (sg === undefined) continue;
    for (const rule of getVectors(sg.template, "RULE"))
      t.push([
        "SECURITY_GROUP_RULE",
        { ...rule, SECURITY_GROUP_ID: String(sg.id), SECURITY_GROUP_NAME: sg.name },
      ]);
  }
  return t;
}

/**
 * Creates a VM from a template (allocate/instantiate): CPU/MEMORY checked, DISKs bound to images
 * (USED), NICs given leases from their networks. Throws an ALLOCATE failure for a bad template.
 */
export function createVm(
  state: OpenNebulaState,
  owner: OneUser,
  tmpl: Template,
  options: { hold: boolean; name?: string; templateId?: number | null },
): OneVm {
  const fail = (msg: string) => failures.allocate("virtual machine", msg);
  const cpu = positiveNumber(getAttr(tmpl, "CPU"));
  if (cpu === null) throw fail("CPU attribute must be a positive float or integer value.");
  const memory = positiveNumber(getAttr(tmpl, "MEMORY"));
  if (memory === null || !Number.isInteger(memory))
    throw fail("MEMORY attribute must be a positive integer value.");
  const vcpuText = getAttr(tmpl, "VCPU");
  const vcpu = vcpuText === undefined ? 1 : positiveNumber(vcpuText);
  if (vcpu === null || !Number.isInteger(vcpu))
    throw fail("VCPU attribute must be a positive integer value.");
  const id = state.nextId.vm;
  const images: OneImage[] = [];
  const disks = getVectors(tmpl, "DISK").map((d, diskId) => {
    const built = buildDisk(state, d, diskId, fail);
    if (built.image) images.push(built.image);
    return built.disk;
  });
  assignDiskTargets(disks, new Set(getVectors(tmpl, "CONTEXT").length > 0 ? ["hda"] : []));
  checkVmQuota(state, owner, { cpu, memoryMb: memory, disks });
  // Leases are taken only once every NIC has found one, so a failure leaves the ranges untouched.
  const taken: Array<{ ar: AddressRange; index: number; prevNext: number }> = [];
  try {
    const nics = getVectors(tmpl, "NIC").map((n, nicId) => leaseNic(state, id, n, nicId, taken, fail));
    const now = state.clock.now();
    const vm: OneVm = {
      id,
      name: options.name || getAttr(tmpl, "NAME") || `one-${id}`,
      uid: owner.id,
      gid: owner.gid,
      permissions: [...DEFAULT_PERMISSIONS],
      state: options.hold ? VmState.HOLD : VmState.PENDING,
      lcm: LcmState.LCM_INIT,
      prevState: options.hold ? VmState.HOLD : VmState.PENDING,
      prevLcm: LcmState.LCM_INIT,
      resched: 0,
      stime: Math.floor(now / 1000),
      etime: 0,
      deployId: "",
      cpu,
      vcpu,
      memoryMb: memory,
      template: withSecurityGroupRules(
        state,
        withContextDisk(
          withOsUuid(tmpl.filter(([k]) => !["NAME", "CPU", "VCPU", "MEMORY", "DISK", "NIC"].includes(k))),
          disks.length,
        ),
        nics,
      ),
      userTemplate: [],
      disks,
      nics,
      templateId: options.templateId ?? null,
      hostId: null,
      history: [],
      steps: [],
      schedAt: options.hold ? null : now + state.timings.schedule,
      holdsCapacity: false,
      lock: null,
    };
    setNetworkContext(state, vm.template, nics);
    for (const t of state.lifecycle.timers) t.onCreate?.(state, vm);
    state.nextId.vm++;
    for (const image of images) useImage(image, id);
    state.vms.set(id, vm);
    scheduleVm(state, vm);
    return vm;
  } catch (e) {
    for (const { ar, index, prevNext } of taken.reverse()) {
      ar.leases.delete(index);
      ar.next = prevNext;
    }
    throw e;
  }
}
