/**
 * VM device and disk operations: `one.vm.diskresize` (DISK_RESIZE*), `one.vm.disksaveas` (a new
 * image, HOTPLUG_SAVEAS* while it is copied), `one.vm.attachpci/detachpci` (cold, POWEROFF or
 * UNDEPLOYED), `one.vm.attachsg/detachsg` (NIC SECURITY_GROUPS and the VM's
 * SECURITY_GROUP_RULEs), `one.vm.updatenic` (QoS attributes, HOTPLUG_NIC when live) and
 * `one.vm.updateconf` (OS, FEATURES, INPUT, GRAPHICS, VIDEO, RAW, CPU_MODEL, BACKUP_CONFIG, CONTEXT; HOTPLUG when
 * the context of a RUNNING VM changes). Checks and messages follow VirtualMachineAPI.cc and
 * DispatchManagerActions.cc (7.x).
 */
import { ErrorCode, failures, OneFailure } from "../errors.js";
import { passThrough } from "../hotplug.js";
import type { OneVm, StepHookFn, VmNic } from "../state.js";
import { getVectors, type Template, type TemplateValue } from "../template.js";
import { VM_ACTION_ID } from "../vm-actions.js";
import { closeCopyHistory, requester } from "../vm-history.js";
import { isRunning, LcmState, OFFLINE_CONFIG_STATES, stateName, VmState } from "../vm-states.js";
import { authorize, int, lookup, type MethodDef, str } from "./context.js";
import { parseOrInternalError } from "./edit.js";
import { addImage, checkImageName } from "./image.js";
import { getVm } from "./vm.js";

const IMAGE_TYPES = ["OS", "CDROM", "DATABLOCK", "KERNEL", "RAMDISK", "CONTEXT", "BACKUP", "FILESYSTEM"];

const internal = (message: string, id = -1) => new OneFailure(ErrorCode.INTERNAL, message, id);

/** A NIC's QoS attributes (restricted for regular users; what `one.vm.updatenic` changes). */
const NIC_QOS = [
  "INBOUND_AVG_BW",
  "INBOUND_PEAK_BW",
  "INBOUND_PEAK_KB",
  "OUTBOUND_AVG_BW",
  "OUTBOUND_PEAK_BW",
  "OUTBOUND_PEAK_KB",
];

/**
 * oned.conf's default VM_RESTRICTED_ATTR that these methods can meet: `name: [subs]` restricts
 * those sub-attributes of a vector, `name: null` the whole attribute.
 */
const RESTRICTED: Record<string, string[] | null> = {
  CONTEXT: ["FILES"],
  NIC: ["MAC", "VLAN_ID", "BRIDGE", "FILTER", "FILTER_IP_SPOOFING", "FILTER_MAC_SPOOFING", ...NIC_QOS],
  PCI: null,
  RAW: null,
};

/** The restricted values of `name` in `t`, sorted (`Template::check_restricted`'s comparison). */
function restrictedValues(t: Template, name: string, subs: string[] | null): string[] {
  const out: string[] = [];
  for (const [k, v] of t) {
    if (k !== name) continue;
    if (subs === null) out.push(typeof v === "string" ? v : JSON.stringify(Object.entries(v).sort()));
    else if (typeof v !== "string") for (const s of subs) if (v[s] !== undefined) out.push(s + v[s]);
  }
  return out.sort();
}

/**
 * `Template::check_restricted`: the first restricted attribute `t` sets to a value other than
 * `base`'s (oned names the top-level attribute), or null. Only oneadmin's group may set them.
 */
export function restrictedAttribute(t: Template, base: Template = []): string | null {
  for (const name of Object.keys(RESTRICTED).sort()) {
    const subs = RESTRICTED[name]!;
    const mine = restrictedValues(t, name, subs);
    if (mine.length > 0 && mine.join("\n") !== restrictedValues(base, name, subs).join("\n")) return name;
  }
  return null;
}

/** AUTHORIZATION `<what> includes a restricted attribute X` for a caller outside oneadmin's group. */
export function refuseRestricted(admin: boolean, what: string, t: Template, base?: Template): void {
  if (admin) return;
  const name = restrictedAttribute(t, base);
  if (name !== null)
    throw new OneFailure(ErrorCode.AUTHORIZATION, `${what} includes a restricted attribute ${name}`);
}

// ------------------------------------------------------------------------------------------------
// PCI devices

/** `HostSharePCI::get_pci_value`: 0 absent, 1 a hex number, -1 not one. */
function pciValue(pci: Record<string, string>, name: string): 0 | 1 | -1 {
  const v = pci[name];
  if (v === undefined || v === "") return 0;
  return /^\s*(0[xX])?[0-9a-fA-F]+$/.test(v) ? 1 : -1;
}

/** `VirtualMachine::check_pci_attributes`: the first problem of a PCI vector, or null. */
function pciError(pci: Record<string, string>): string | null {
  let found = false;
  for (const name of ["VENDOR", "DEVICE", "CLASS"]) {
    const rc = pciValue(pci, name);
    if (rc === -1) return `Wrong Hex value for PCI attribute ${name}`;
    if (rc === 1) found = true;
  }
  const short = pci.SHORT_ADDRESS ?? "";
  if (short === "" && !found) return "SHORT_ADDRESS, DEVICE, VENDOR or CLASS must be defined for PCI.";
  if (short !== "" && found) return "SHORT_ADDRESS cannot be set with DEVICE, VENDOR or CLASS";
  if (pciValue(pci, "VM_BUS") === -1) return "Wrong BUS in PCI attribute";
  return null;
}

/** C++ `showbase << hex << setw(4) << setfill('0')` with `internal`: 0x01, 0x1f, 0x100 (0 → 0000). */
const showbase = (n: number) => (n === 0 ? "0000" : `0x${n.toString(16).padStart(2, "0")}`);
const hex2 = (n: number) => n.toString(16).padStart(2, "0");

/** `HostSharePCI::set_pci_address(pci, PCI_PASSTHROUGH_BUS = "0x01", clean)`: the VM-side address. */
function pciAddress(pci: Record<string, string>, pciId: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(pci))
    if (!["DOMAIN", "BUS", "SLOT", "FUNCTION", "ADDRESS", "PREV_ADDRESS", "NUMA_NODE", "UUID"].includes(k))
      out[k] = v;
  const bus = Number.parseInt((pci.VM_BUS ?? "0x01").trim().replace(/^0[xX]/, ""), 16);
  const slot = pciId + 1;
  return {
    ...out,
    PCI_ID: String(pciId),
    VM_ADDRESS: `${hex2(bus)}:${hex2(slot)}.0`,
    VM_BUS: showbase(bus),
    VM_DOMAIN: "0x0000",
    VM_FUNCTION: "0",
    VM_SLOT: showbase(slot),
  };
}

const pciEntries = (vm: OneVm) =>
  vm.template.filter(
    (e): e is [string, Record<string, string>] => e[0] === "PCI" && typeof e[1] !== "string",
  );

/** PCI devices are attached cold: only in POWEROFF or UNDEPLOYED. */
function pciState(vm: OneVm, what: string): void {
  if (vm.state !== VmState.POWEROFF && vm.state !== VmState.UNDEPLOYED)
    throw failures.action(`Could not ${what} VM ${vm.id}, wrong state ${stateName(vm)}.`, vm.id);
}

// ------------------------------------------------------------------------------------------------
// Security groups

/** LCM states in which DispatchManager::attach_sg/detach_sg refuse (rules being set up). */
const SG_BUSY = new Set<number>([
  LcmState.BOOT,
  LcmState.BOOT_MIGRATE,
  LcmState.BOOT_SUSPENDED,
  LcmState.BOOT_STOPPED,
  LcmState.BOOT_UNDEPLOY,
  LcmState.BOOT_POWEROFF,
  LcmState.BOOT_UNKNOWN,
  LcmState.BOOT_FAILURE,
  LcmState.BOOT_MIGRATE_FAILURE,
  LcmState.BOOT_UNDEPLOY_FAILURE,
  LcmState.BOOT_STOPPED_FAILURE,
  LcmState.MIGRATE,
  LcmState.HOTPLUG_NIC,
  LcmState.HOTPLUG_NIC_POWEROFF,
  LcmState.UNKNOWN,
]);

function nicSgs(nic: VmNic): number[] {
  return (nic.attrs.SECURITY_GROUPS ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => /^\d+$/.test(s))
    .map(Number);
}

function setNicSgs(nic: VmNic, sgs: number[]): void {
  const sorted = [...new Set(sgs)].sort((a, b) => a - b);
  if (sorted.length === 0) {
    const { SECURITY_GROUPS: _dropped, ...rest } = nic.attrs;
    nic.attrs = rest;
  } else nic.attrs = { ...nic.attrs, SECURITY_GROUPS: sorted.join(",") };
}

/** The VM's SECURITY_GROUP_RULEs of group `sgId` replaced by the group's current rules (or dropped). */
function setSgRules(ctx: Parameters<MethodDef["run"]>[0], vm: OneVm, sgId: number, keep: boolean): void {
  vm.template = vm.template.filter(
    ([k, v]) =>
      !(k === "SECURITY_GROUP_RULE" && typeof v !== "string" && v.SECURITY_GROUP_ID === String(sgId)),
  );
  const sg = ctx.state.secgroups.get(sgId);
  if (!keep || !sg) return;
  for (const rule of getVectors(sg.template, "RULE"))
    vm.template.push([
      "SECURITY_GROUP_RULE",
      { ...rule, SECURITY_GROUP_ID: String(sg.id), SECURITY_GROUP_NAME: sg.name },
    ]);
}

function sgState(vm: OneVm): void {
  if (SG_BUSY.has(vm.lcm)) throw failures.action(`VM ${vm.id} is in wrong state ${stateName(vm)}`, vm.id);
}

// ------------------------------------------------------------------------------------------------
// NIC update and updateconf

/** The NIC attributes `one.vm.updatenic` changes (QoS); the others of the given NIC are ignored. */
const NIC_UPDATABLE = NIC_QOS;

/** `VirtualMachineTemplate::UPDATECONF_ATTRS` (7.x): what updateconf takes from each vector. */
const UPDATECONF_ATTRS: Record<string, string[]> = {
  OS: [
    "ARCH",
    "MACHINE",
    "KERNEL",
    "INITRD",
    "BOOTLOADER",
    "BOOT",
    "KERNEL_CMD",
    "ROOT",
    "SD_DISK_BUS",
    "UUID",
    "FIRMWARE",
  ],
  FEATURES: [
    "PAE",
    "ACPI",
    "APIC",
    "LOCALTIME",
    "HYPERV",
    "GUEST_AGENT",
    "VIRTIO_SCSI_QUEUES",
    "VIRTIO_BLK_QUEUES",
    "IOTHREADS",
  ],
  INPUT: ["TYPE", "BUS"],
  GRAPHICS: ["TYPE", "LISTEN", "PASSWD", "KEYMAP", "COMMAND"],
  VIDEO: ["IOMMU", "ATS", "TYPE", "VRAM", "RESOLUTION"],
  RAW: ["TYPE", "DATA", "VALIDATE", "DATA_VMX"],
  CPU_MODEL: ["MODEL"],
  // Kept in the template; BACKUPS/BACKUP_CONFIG shows it (methods/vm.ts backupConfig).
  BACKUP_CONFIG: ["FS_FREEZE", "KEEP_LAST", "BACKUP_VOLATILE", "INCREMENT_MODE", "MODE"],
};

/** `get_updateconf_template`: the known sub-attributes (non-empty) of each vector, CONTEXT whole. */
function updateconfTemplate(t: Template): Template {
  const out: Template = [];
  for (const [name, subs] of Object.entries(UPDATECONF_ATTRS)) {
    const v = getVectors(t, name)[0];
    if (!v) continue;
    const kept: Record<string, string> = {};
    for (const s of subs) if (v[s] !== undefined && v[s] !== "") kept[s] = v[s];
    if (Object.keys(kept).length > 0) out.push([name, kept]);
  }
  const context = getVectors(t, "CONTEXT")[0];
  if (context) out.push(["CONTEXT", { ...context }]);
  return out;
}

/** `VirtualMachine::updateconf` accepts the OFFLINE_CONFIG_STATES and these LCM states while ACTIVE (RUNNING updates the running domain too). */
const UPDATECONF_LCM = new Set<number>([
  LcmState.LCM_INIT,
  LcmState.PROLOG,
  LcmState.RUNNING,
  LcmState.EPILOG,
  LcmState.SHUTDOWN,
  LcmState.CLEANUP_RESUBMIT,
  LcmState.SHUTDOWN_POWEROFF,
  LcmState.CLEANUP_DELETE,
  LcmState.HOTPLUG_SAVEAS_POWEROFF,
  LcmState.SHUTDOWN_UNDEPLOY,
  LcmState.EPILOG_UNDEPLOY,
  LcmState.PROLOG_UNDEPLOY,
  LcmState.HOTPLUG_PROLOG_POWEROFF,
  LcmState.HOTPLUG_EPILOG_POWEROFF,
  LcmState.BOOT_FAILURE,
  LcmState.PROLOG_FAILURE,
  LcmState.EPILOG_FAILURE,
  LcmState.EPILOG_UNDEPLOY_FAILURE,
  LcmState.PROLOG_MIGRATE_POWEROFF,
  LcmState.PROLOG_MIGRATE_POWEROFF_FAILURE,
  LcmState.BOOT_UNDEPLOY_FAILURE,
  LcmState.PROLOG_UNDEPLOY_FAILURE,
  LcmState.DISK_SNAPSHOT_POWEROFF,
  LcmState.DISK_SNAPSHOT_REVERT_POWEROFF,
  LcmState.DISK_SNAPSHOT_DELETE_POWEROFF,
]);

/** States with a host, where GRAPHICS needs a port. */
const DEPLOYED = new Set<number>([VmState.ACTIVE, VmState.POWEROFF, VmState.SUSPENDED]);

function vectorAt(t: Template, name: string): number {
  return t.findIndex(([k, v]) => k === name && typeof v !== "string");
}

/** `replace_vector_values`: the known sub-attributes of `name` set from `next` (dropped unless `append`). */
function replaceVector(t: Template, next: Template, name: string, append: boolean): void {
  const at = vectorAt(t, name);
  const incoming = getVectors(next, name)[0];
  if (!incoming) {
    if (!append && at >= 0) t.splice(at, 1);
    return;
  }
  if (at < 0) {
    t.push([name, { ...incoming }]);
    return;
  }
  const merged = { ...(t[at]![1] as Record<string, string>) };
  for (const s of UPDATECONF_ATTRS[name]!) {
    if (incoming[s] !== undefined) merged[s] = incoming[s];
    else if (!append) delete merged[s];
  }
  t[at] = [name, merged];
}

const sameVector = (a: TemplateValue | undefined, b: TemplateValue | undefined) =>
  JSON.stringify(a && typeof a !== "string" ? Object.entries(a).sort() : a) ===
  JSON.stringify(b && typeof b !== "string" ? Object.entries(b).sort() : b);

/** CONTEXT: needs one already; replaced (or merged with `append`), its TARGET and DISK_ID kept. Returns whether it changed. */
function updateContext(vm: OneVm, t: Template, next: Template, append: boolean): boolean {
  const incoming = getVectors(next, "CONTEXT")[0];
  if (!incoming) return false;
  const at = vectorAt(t, "CONTEXT");
  if (at < 0) throw internal("Virtual machine does not have context, cannot add a new one.", vm.id);
  const old = t[at]![1] as Record<string, string>;
  const kept: Record<string, string> = {};
  for (const k of ["TARGET", "DISK_ID"]) if (old[k] !== undefined) kept[k] = old[k];
  const merged = append ? { ...old, ...incoming, ...kept } : { ...incoming, ...kept };
  t[at] = ["CONTEXT", merged];
  return !sameVector(old, merged);
}

// ------------------------------------------------------------------------------------------------

/** `one_util::str_cast<long long>`: the whole string an integer, or null. */
function longLong(text: string): number | null {
  if (!/^\s*[+-]?\d+$/.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
}

/** The step hooks of disk operations, by kind (given to the state by opennebula/create-state.ts). */
export const diskStepHooks: Readonly<Record<string, StepHookFn>> = {
  /** A resized disk is done: the marks go, and a persistent disk's image (the disk itself) grows with it. */
  "disk-resized": (state, vm, _at, arg) => {
    const { diskId, size } = arg as { diskId: number; size: number };
    const disk = vm.disks.find((d) => d.diskId === diskId);
    if (disk === undefined) return;
    const { RESIZE: _r, SIZE_PREV: _p, ...rest } = disk.attrs;
    disk.attrs = rest;
    const image = disk.imageId === null ? undefined : state.images.get(disk.imageId);
    if (image?.persistent) image.sizeMb = size;
  },

  /** The datastore has copied a saved disk: the disk's HOTPLUG_SAVE_AS marks go. */
  "disk-saved": (_state, vm, _at, arg) => {
    const disk = vm.disks.find((d) => d.diskId === (arg as { diskId: number }).diskId);
    if (disk === undefined) return;
    const {
      HOTPLUG_SAVE_AS: _a,
      HOTPLUG_SAVE_AS_ACTIVE: _b,
      HOTPLUG_SAVE_AS_SNAPSHOT_ID: _c,
      HOTPLUG_SAVE_AS_SOURCE: _d,
      ...rest
    } = disk.attrs;
    disk.attrs = rest;
  },
};

export const vmDeviceMethods: Record<string, MethodDef> = {
  "one.vm.diskresize": {
    params: [int(), int(), str()],
    run(ctx, [id, diskId, sizeText]) {
      const size = longLong(sizeText as string);
      if (size === null) throw failures.action("Disk SIZE is not a valid integer");
      const vm = getVm(ctx, id as number, "MANAGE");
      const disk = vm.disks.find((d) => d.diskId === diskId);
      if (!disk) throw failures.action("VM disk does not exist", vm.id);
      const current = Number(disk.attrs.SIZE ?? 0) || 0;
      if (size <= current) throw failures.action("New disk size has to be greater than current one", vm.id);
      const lcm = isRunning(vm)
        ? LcmState.DISK_RESIZE
        : vm.state === VmState.POWEROFF
          ? LcmState.DISK_RESIZE_POWEROFF
          : vm.state === VmState.UNDEPLOYED
            ? LcmState.DISK_RESIZE_UNDEPLOYED
            : null;
      if (lcm === null)
        throw failures.action(`Could not resize disk for VM ${vm.id}, wrong state ${stateName(vm)}.`, vm.id);
      disk.attrs = { ...disk.attrs, RESIZE: "YES", SIZE: String(size), SIZE_PREV: String(current) };
      passThrough(ctx.state, vm, lcm, ctx.state.timings.hotplug, {
        kind: "disk-resized",
        arg: { diskId: disk.diskId, size },
      });
      closeCopyHistory(ctx.state, vm, VM_ACTION_ID.DISK_RESIZE, requester(ctx.user));
      return vm.id;
    },
  },
  "one.vm.disksaveas": {
    params: [int(), int(), str(), str(), int()],
    run(ctx, [id, diskId, name, typeText, snapId]) {
      // VirtualMachineAPI::disk_save_as checks the VM and disk before authorizing, with INTERNAL.
      const found = lookup(ctx.state.vms, id as number, "virtual machine");
      const lcm = isRunning(found)
        ? LcmState.HOTPLUG_SAVEAS
        : (
            {
              [VmState.POWEROFF]: LcmState.HOTPLUG_SAVEAS_POWEROFF,
              [VmState.SUSPENDED]: LcmState.HOTPLUG_SAVEAS_SUSPENDED,
              [VmState.UNDEPLOYED]: LcmState.HOTPLUG_SAVEAS_UNDEPLOYED,
              [VmState.STOPPED]: LcmState.HOTPLUG_SAVEAS_STOPPED,
            } as Record<number, number>
          )[found.state];
      if (lcm === undefined)
        throw internal("VM has to be RUNNING, POWEROFF or SUSPENDED to save disks.", found.id);
      const disk = found.disks.find((d) => d.diskId === diskId);
      if (!disk) throw internal("Cannot use DISK. DISK does not exist.", found.id);
      if (disk.imageId === null)
        throw internal("Cannot use DISK. DISK does not have a valid IMAGE_ID.", found.id);
      if (snapId !== -1 && !disk.snapshots?.some((s) => s.id === snapId))
        throw internal("Cannot use DISK. Snapshot does not exist.", found.id);
      const source = lookup(ctx.state.images, disk.imageId, "image");
      const sourceType = IMAGE_TYPES[source.type] ?? String(source.type);
      if (![0, 1, 2].includes(source.type))
        throw internal(`Cannot save_as image of type ${sourceType}`, found.id);
      const ds = lookup(ctx.state.datastores, source.datastoreId, "datastore");
      const sizeMb = Number(disk.attrs.SIZE ?? source.sizeMb) || source.sizeMb;
      let usedMb = 0;
      for (const i of ctx.state.images.values()) if (i.datastoreId === ds.id) usedMb += i.sizeMb;
      if (sizeMb > ds.totalMb - usedMb) throw failures.action("Not enough space in datastore", found.id);
      const vm = getVm(ctx, found.id, "MANAGE");
      authorize(ctx, ds, "USE", "DATASTORE");
      const typeName = typeText === "" ? sourceType : (typeText as string).toUpperCase();
      const type = IMAGE_TYPES.indexOf(typeName);
      if (type < 0) throw failures.allocate("image", `Unknown type ${typeName}`);
      checkImageName(ctx.state, ctx.user.id, name as string);
      const inherited: Template = [];
      for (const k of ["DEV_PREFIX", "TARGET"]) {
        const v = source.template.find(([n, x]) => n === k && typeof x === "string");
        if (v) inherited.push(v);
      }
      const image = addImage(ctx.state, { uid: ctx.user.id, gid: ctx.user.gid }, ds, {
        name: name as string,
        type,
        persistent: false,
        sizeMb,
        path: "",
        format: source.format,
        template: [
          ...inherited,
          ["SAVED_DISK_ID", String(disk.diskId)],
          ["SAVED_IMAGE_ID", String(source.id)],
          ["SAVED_VM_ID", String(vm.id)],
        ],
      });
      disk.attrs = {
        ...disk.attrs,
        HOTPLUG_SAVE_AS: String(image.id),
        HOTPLUG_SAVE_AS_ACTIVE: "YES",
        HOTPLUG_SAVE_AS_SNAPSHOT_ID: String(snapId),
        HOTPLUG_SAVE_AS_SOURCE: image.source,
      };
      // The VM is back when the datastore has copied the disk (the image turns READY then).
      passThrough(ctx.state, vm, lcm, ctx.state.timings.imageCopy, {
        kind: "disk-saved",
        arg: { diskId: disk.diskId },
      });
      return image.id;
    },
  },
  "one.vm.attachpci": {
    params: [int(), str()],
    run(ctx, [id, text]) {
      const tmpl = parseOrInternalError(text as string);
      const pci = getVectors(tmpl, "PCI")[0];
      if (!pci) throw failures.action("PCI attribute not found");
      if (pci.TYPE === "NIC") throw failures.action("Use one.vm.attachnic to attach this PCI device");
      const problem = pciError(pci);
      if (problem !== null) throw failures.action(problem);
      const vm = getVm(ctx, id as number, "MANAGE");
      refuseRestricted(ctx.admin, "PCI", tmpl);
      pciState(vm, "attach PCI device to");
      const pciId = Math.max(-1, ...pciEntries(vm).map(([, v]) => Number(v.PCI_ID ?? -1))) + 1;
      vm.template.push(["PCI", pciAddress(pci, pciId)]);
      closeCopyHistory(ctx.state, vm, VM_ACTION_ID.PCI_ATTACH, requester(ctx.user));
      return vm.id;
    },
  },
  "one.vm.detachpci": {
    params: [int(), int()],
    run(ctx, [id, pciId]) {
      const vm = getVm(ctx, id as number, "MANAGE");
      pciState(vm, "detach PCI device from");
      const at = vm.template.findIndex(
        ([k, v]) => k === "PCI" && typeof v !== "string" && v.PCI_ID === String(pciId),
      );
      if (at < 0)
        throw failures.action(`Could not detach PCI with PCI_ID ${pciId}, it does not exist.`, vm.id);
      vm.template.splice(at, 1);
      closeCopyHistory(ctx.state, vm, VM_ACTION_ID.PCI_DETACH, requester(ctx.user));
      return vm.id;
    },
  },
  "one.vm.attachsg": {
    params: [int(), int(), int()],
    run(ctx, [id, nicId, sgId]) {
      const found = lookup(ctx.state.vms, id as number, "virtual machine");
      if (!found.nics.some((n) => n.nicId === nicId))
        throw internal(`VM ${found.id} doesn't have NIC id ${nicId}`, found.id);
      const vm = getVm(ctx, found.id, "MANAGE");
      const sg = ctx.state.secgroups.get(sgId as number);
      if (sg) authorize(ctx, sg, "USE", "SECGROUP");
      else throw failures.action(`Could not attach SG ${sgId} to VM, SG does not exist`, vm.id);
      sgState(vm);
      const nic = vm.nics.find((n) => n.nicId === nicId)!;
      if (nicSgs(nic).includes(sg.id))
        throw failures.action(`VM ${vm.id} SG ${sg.id} already in NIC ${nicId}`, vm.id);
      setNicSgs(nic, [...nicSgs(nic), sg.id]);
      setSgRules(ctx, vm, sg.id, true);
      return vm.id;
    },
  },
  "one.vm.detachsg": {
    params: [int(), int(), int()],
    run(ctx, [id, nicId, sgId]) {
      const vm = getVm(ctx, id as number, "MANAGE");
      sgState(vm);
      const nic = vm.nics.find((n) => n.nicId === nicId);
      if (!nic) throw failures.action(`VM ${vm.id} doesn't have NIC id ${nicId}`, vm.id);
      if (!nicSgs(nic).includes(sgId as number))
        throw failures.action(`VM ${vm.id} NIC ${nicId} doesn't contain SG ${sgId}`, vm.id);
      setNicSgs(
        nic,
        nicSgs(nic).filter((s) => s !== sgId),
      );
      // The rules stay while another NIC is still in the group.
      setSgRules(
        ctx,
        vm,
        sgId as number,
        vm.nics.some((n) => nicSgs(n).includes(sgId as number)),
      );
      return vm.id;
    },
  },
  "one.vm.updatenic": {
    params: [int(), int(), str(), int(0)],
    run(ctx, [id, nicId, text, append]) {
      const found = lookup(ctx.state.vms, id as number, "virtual machine");
      if (!found.nics.some((n) => n.nicId === nicId))
        throw failures.action(`VM ${found.id}: NIC ${nicId} does not exists`, found.id);
      const tmpl = parseOrInternalError(text as string);
      const vm = getVm(ctx, found.id, "MANAGE");
      refuseRestricted(ctx.admin, "NIC", tmpl);
      const prefix = `Error updating NIC (${nicId}) for VM ${vm.id}: `;
      if (vm.state === VmState.ACTIVE && vm.lcm !== LcmState.RUNNING)
        throw failures.action(`${prefix}Wrong state ${stateName(vm)}`, vm.id);
      const incoming = getVectors(tmpl, "NIC")[0];
      if (!incoming) throw failures.action(`${prefix}Wrong NIC definition, attribute is missing`, vm.id);
      const nic = vm.nics.find((n) => n.nicId === nicId)!;
      const next = append !== 0 ? { ...nic.attrs, ...incoming } : incoming;
      const attrs = { ...nic.attrs };
      let changed = 0;
      for (const k of NIC_UPDATABLE) {
        if (attrs[k] === next[k]) continue;
        changed++;
        if (next[k] === undefined) delete attrs[k];
        else attrs[k] = next[k];
      }
      nic.attrs = attrs;
      // A RUNNING VM gets the new QoS on the host (HOTPLUG_NIC while the driver runs).
      if (isRunning(vm) && changed > 0)
        passThrough(ctx.state, vm, LcmState.HOTPLUG_NIC, ctx.state.timings.hotplug);
      return vm.id;
    },
  },
  "one.vm.updateconf": {
    params: [int(), str(), int(0)],
    run(ctx, [id, text, append]) {
      if (append !== 0 && append !== 1) throw failures.rpcApi("Wrong update type");
      const uc = updateconfTemplate(parseOrInternalError(text as string));
      const vm = getVm(ctx, id as number, "MANAGE");
      if (!ctx.admin) {
        const name = restrictedAttribute(uc, vm.template);
        if (name !== null)
          throw new OneFailure(ErrorCode.AUTHORIZATION, `Template includes a restricted attribute ${name}`);
      }
      if (
        !(OFFLINE_CONFIG_STATES.has(vm.state) || (vm.state === VmState.ACTIVE && UPDATECONF_LCM.has(vm.lcm)))
      )
        throw internal(`configuration cannot be updated in state ${stateName(vm)}`, vm.id);
      const next = vm.template.map(([k, v]): [string, TemplateValue] => [
        k,
        typeof v === "string" ? v : { ...v },
      ]);
      for (const name of Object.keys(UPDATECONF_ATTRS)) replaceVector(next, uc, name, append === 1);
      const contextChanged = updateContext(vm, next, uc, append === 1);
      // A new GRAPHICS section of a deployed VM gets a VNC port (VNC_PORTS START 5900 + VM id).
      const g = vectorAt(next, "GRAPHICS");
      if (g >= 0 && DEPLOYED.has(vm.state)) {
        const graphics = next[g]![1] as Record<string, string>;
        if (graphics.PORT === undefined) next[g] = ["GRAPHICS", { ...graphics, PORT: String(5900 + vm.id) }];
      }
      vm.template = next;
      // The context of a RUNNING VM is updated live: HOTPLUG while the driver runs.
      if (isRunning(vm) && contextChanged)
        passThrough(ctx.state, vm, LcmState.HOTPLUG, ctx.state.timings.hotplug);
      return vm.id;
    },
  },
};
