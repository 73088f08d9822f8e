/**
 * VM backups: `one.vm.{backup,backupcancel,restore}`. A backup holds the VM in BACKUP (RUNNING) or
 * BACKUP_POWEROFF for `timings.backup`, then writes a BACKUP image (type 6) to a BACKUP datastore:
 * a new image per backup in FULL mode; in INCREMENT mode (`BACKUP_CONFIG=[MODE="INCREMENT"]`) one
 * image whose BACKUP_INCREMENTS grow until `reset`. A restore holds a POWEROFF VM in RESTORE.
 *
 * A backup image (for `one.image.*`): `type` 6, persistent, READY, `vms` = {the VM}, `source`
 * `<vm id>/<backup key>`, `backup` = {@link ImageBackup} (its VM, BACKUP_DISK_IDS and increments);
 * {@link backupImageXml} renders its BACKUP_INCREMENTS and BACKUP_DISK_IDS.
 */
import { failures, OneFailure } from "../errors.js";
import { hotplug } from "../hotplug.js";
import {
  DEFAULT_PERMISSIONS,
  type ImageBackup,
  type OneDatastore,
  type OneImage,
  type OneVm,
  type OpenNebulaState,
  type StepHookFn,
} from "../state.js";
import { isRunning, LcmState, stateName, VmState } from "../vm-states.js";
import { setVmState } from "../vm-steps.js";
import { el, ids } from "../xml.js";
import { authorize, bool, type Ctx, int, lookup, type MethodDef } from "./context.js";
import { backupConfig, getVm } from "./vm.js";

const BACKUP_IMAGE = 6;
const BACKUP_DS = 3;

/** BACKUP_INCREMENTS and BACKUP_DISK_IDS of an image (image.xsd); `<BACKUP_INCREMENTS/>` for others. */
export function backupImageXml(image: OneImage): string {
  const b = image.backup;
  // every image has both elements in oned 7.4, empty unless it is a backup
  if (!b) return "<BACKUP_INCREMENTS/><BACKUP_DISK_IDS/>";
  const increments = b.increments
    .map(
      (i) =>
        `<INCREMENT><DATE>${i.date}</DATE><ID>${i.id}</ID>${i.parentId >= 0 ? `<PARENT_ID>${i.parentId}</PARENT_ID>` : ""}<SIZE>${i.sizeMb}</SIZE>${el("SOURCE", i.source)}${el("TYPE", i.type)}</INCREMENT>`,
    )
    .join("");
  return `${increments === "" ? "<BACKUP_INCREMENTS/>" : `<BACKUP_INCREMENTS>${increments}</BACKUP_INCREMENTS>`}${ids("BACKUP_DISK_IDS", b.diskIds)}`;
}

/** The disks a backup takes: all but volatile ones, unless BACKUP_VOLATILE=YES. */
function backupDisks(vm: OneVm) {
  const volatile = (backupConfig(vm).BACKUP_VOLATILE ?? "NO").toUpperCase() === "YES";
  return vm.disks.filter((d) => volatile || d.imageId !== null);
}

function backupSizeMb(vm: OneVm): number {
  return backupDisks(vm).reduce((sum, d) => sum + (Number(d.attrs.SIZE ?? 0) || 0), 0);
}

/** The incremental chain the next backup extends, or undefined (FULL mode, reset, no chain yet). */
function chainImage(state: OpenNebulaState, vm: OneVm, reset: boolean): OneImage | undefined {
  const config = backupConfig(vm);
  if ((config.MODE ?? "FULL").toUpperCase() !== "INCREMENT" || reset) return undefined;
  if (Number(config.LAST_INCREMENT_ID ?? -1) === -1) return undefined;
  const id = Number(config.INCREMENTAL_BACKUP_ID ?? -1);
  const image = state.images.get(id);
  if (!image) throw failures.noExists("image", id);
  return image;
}

/**
 * The target of `one.vm.backup`: the chain's datastore for an incremental backup, else `dsId`,
 * which must be a BACKUP datastore with room for the VM's disks.
 */
function backupDatastore(state: OpenNebulaState, vm: OneVm, dsId: number, reset: boolean): OneDatastore {
  const chain = chainImage(state, vm, reset);
  const ds = lookup(state.datastores, chain ? chain.datastoreId : dsId, "datastore");
  if (ds.type !== BACKUP_DS) throw failures.action("Datastore needs to be of type BACKUP");
  const usedMb = [...state.images.values()]
    .filter((i) => i.datastoreId === ds.id)
    .reduce((sum, i) => sum + i.sizeMb, 0);
  if (ds.totalMb - usedMb < backupSizeMb(vm))
    throw failures.action("Not enough free space on target datastore");
  return ds;
}

/** Writes the backup when BACKUP ends: a new image, or an increment of the chain. */
function completeBackup(
  state: OpenNebulaState,
  vm: OneVm,
  ds: OneDatastore,
  reset: boolean,
  at: number,
): void {
  const now = Math.floor(at / 1000);
  const config = backupConfig(vm);
  const increment = (config.MODE ?? "FULL").toUpperCase() === "INCREMENT";
  const disks = backupDisks(vm);
  const sizeMb = backupSizeMb(vm);
  const key = now.toString(16);
  let chain: OneImage | undefined;
  try {
    chain = chainImage(state, vm, reset);
  } catch {
    chain = undefined; // the chain image was deleted meanwhile: start a new one
  }
  const keep = Number(config.KEEP_LAST ?? 0);
  let image: OneImage;
  if (chain?.backup) {
    image = chain;
    const last = chain.backup.increments.at(-1);
    // The changed blocks are not modelled: an increment is a tenth of the disks.
    const incSize = Math.max(1, Math.ceil(sizeMb / 10));
    chain.backup.increments.push({
      id: (last?.id ?? -1) + 1,
      date: now,
      parentId: last?.id ?? -1,
      sizeMb: incSize,
      source: `${vm.id}/${key}`,
      type: "INCREMENT",
    });
    // KEEP_LAST: the oldest increments are merged into the first (FULL) one.
    if (keep > 0 && chain.backup.increments.length > keep) {
      chain.backup.increments = chain.backup.increments.slice(-keep);
      const first = chain.backup.increments[0]!;
      first.type = "FULL";
      first.parentId = -1;
    }
    chain.sizeMb = chain.backup.increments.reduce((sum, i) => sum + i.sizeMb, 0);
  } else {
    const id = state.nextId.image++;
    const stamp = new Date(at);
    const pad = (n: number) => String(n).padStart(2, "0");
    const month = stamp.toLocaleString("en-US", { month: "short", timeZone: "UTC" });
    const backup: ImageBackup = {
      vmId: vm.id,
      diskIds: disks.map((d) => d.diskId),
      increments: increment
        ? [{ id: 0, date: now, parentId: -1, sizeMb, source: `${vm.id}/${key}`, type: "FULL" }]
        : [],
    };
    image = {
      id,
      name: `${vm.id} ${pad(stamp.getUTCDate())}-${month} ${pad(stamp.getUTCHours())}.${pad(stamp.getUTCMinutes())}.${pad(stamp.getUTCSeconds())}`,
      uid: vm.uid,
      gid: vm.gid,
      permissions: [...DEFAULT_PERMISSIONS],
      type: BACKUP_IMAGE,
      backup,
      persistent: true,
      sizeMb,
      state: 1,
      prevState: 1,
      datastoreId: ds.id,
      regtime: now,
      path: "",
      source: `${vm.id}/${key}`,
      format: "raw",
      vms: new Set([vm.id]),
      readyAt: null,
      template: [],
    };
    state.images.set(id, image);
    state.emit({ type: "image-created", image });
    vm.backups ??= { config: {}, ids: [] };
    vm.backups.ids.push(id);
    // KEEP_LAST in FULL mode: the oldest backup images go.
    if (!increment && keep > 0) {
      const live = vm.backups.ids.filter((b) => state.images.has(b));
      for (const old of live.slice(0, Math.max(0, live.length - keep))) {
        const gone = state.images.get(old)!;
        state.images.delete(old);
        state.emit({ type: "image-deleted", image: gone });
      }
      vm.backups.ids = vm.backups.ids.filter((b) => state.images.has(b));
    }
  }
  vm.backups ??= { config: {}, ids: [] };
  vm.backups.config = {
    ...vm.backups.config,
    BACKUP_VOLATILE: config.BACKUP_VOLATILE ?? "NO",
    FS_FREEZE: config.FS_FREEZE ?? "NONE",
    INCREMENTAL_BACKUP_ID: increment ? String(image.id) : "-1",
    KEEP_LAST: config.KEEP_LAST ?? "",
    LAST_BACKUP_ID: String(image.id),
    LAST_BACKUP_SIZE: String(sizeMb),
    LAST_DATASTORE_ID: String(ds.id),
    LAST_INCREMENT_ID: increment ? String(image.backup?.increments.at(-1)?.id ?? 0) : "-1",
    MODE: increment ? "INCREMENT" : "FULL",
  };
  if (vm.backups.config.KEEP_LAST === "") delete vm.backups.config.KEEP_LAST;
}

/** DispatchManager::backup: RUNNING → BACKUP, POWEROFF → BACKUP_POWEROFF (else INTERNAL), then back. */
function beginBackup(state: OpenNebulaState, vm: OneVm, ds: OneDatastore, reset: boolean): void {
  if (!isRunning(vm) && vm.state !== VmState.POWEROFF)
    throw new OneFailure(
      0x2000,
      `Could not create a new backup for VM ${vm.id}, wrong state ${stateName(vm)}.`,
      vm.id,
    );
  vm.resched = 0;
  hotplug(
    state,
    vm,
    LcmState.BACKUP,
    LcmState.BACKUP_POWEROFF,
    `Could not create a new backup for VM ${vm.id}`,
    {
      after: state.timings.backup,
      hook: { kind: "backup-done", arg: { ds: ds.id, reset } },
    },
  );
}

/** A backup without the caller's authorization (a scheduled `backup` action; ARGS `ds_id,reset`). */
export function startBackup(state: OpenNebulaState, vm: OneVm, dsId: number, reset: boolean): void {
  beginBackup(state, vm, backupDatastore(state, vm, dsId, reset), reset);
}

/** The step hooks of backups, by kind (given to the state by opennebula/create-state.ts). */
export const backupStepHooks: Readonly<Record<string, StepHookFn>> = {
  "backup-done": (state, vm, at, arg) => {
    const { ds: dsId, reset } = arg as { ds: number; reset: boolean };
    const ds = state.datastores.get(dsId);
    if (ds !== undefined) completeBackup(state, vm, ds, reset, at);
  },
};

export const vmBackupMethods: Record<string, MethodDef> = {
  "one.vm.backup": {
    params: [int(), int(-1), bool(false)],
    run(ctx: Ctx, [id, dsId, reset]) {
      const found = lookup(ctx.state.vms, id as number, "virtual machine");
      const ds = backupDatastore(ctx.state, found, dsId as number, reset as boolean);
      const vm = getVm(ctx, found.id, "ADMIN");
      authorize(ctx, ds, "USE", "DATASTORE");
      beginBackup(ctx.state, vm, ds, reset as boolean);
      return vm.id;
    },
  },
  "one.vm.backupcancel": {
    params: [int()],
    run(ctx, [id]) {
      const vm = getVm(ctx, id as number, "ADMIN");
      if (vm.state !== VmState.ACTIVE || (vm.lcm !== LcmState.BACKUP && vm.lcm !== LcmState.BACKUP_POWEROFF))
        throw failures.internal(`Could not cancel backup for VM ${vm.id}, no backup in progress`);
      const back =
        vm.lcm === LcmState.BACKUP
          ? [VmState.ACTIVE, LcmState.RUNNING]
          : [VmState.POWEROFF, LcmState.LCM_INIT];
      vm.steps = [];
      setVmState(ctx.state, vm, back[0]!, back[1]!);
      return vm.id;
    },
  },
  "one.vm.restore": {
    params: [int(), int(), int(), int()],
    run(ctx, [id, imageId, incrementId, diskId]) {
      const found = lookup(ctx.state.vms, id as number, "virtual machine");
      if (diskId !== -1 && !found.disks.some((d) => d.diskId === diskId))
        throw failures.action("VM disk does not exist", found.id);
      const image = lookup(ctx.state.images, imageId as number, "image");
      if (image.type !== BACKUP_IMAGE) throw failures.action("Image has to be of type BACKUP", found.id);
      const lastIncrement = image.backup?.increments.at(-1)?.id ?? -1;
      if ((incrementId as number) > lastIncrement) throw failures.action("Wrong increment", found.id);
      const vm = getVm(ctx, found.id, "ADMIN");
      authorize(ctx, image, "USE", "IMAGE");
      hotplug(ctx.state, vm, -1, LcmState.RESTORE, `Could not restore VM ${vm.id}`, {
        after: ctx.state.timings.backup,
      });
      return vm.id;
    },
  },
};
