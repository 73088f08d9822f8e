import { type IloState, touch, type VirtualMediaBootOption, type VirtualMediaDevice } from "./state.js";

/**
 * The virtual media drives (floppy/USB key and CD/DVD) as one model that RIBCL
 * (`INSERT_VIRTUAL_MEDIA`, `EJECT_VIRTUAL_MEDIA`, `SET_VM_STATUS`, `GET_VM_STATUS` in
 * ribcl-commands.ts) and Redfish (`Managers/1/VirtualMedia/{1,2}` in redfish/virtual-media.ts)
 * share; the adapters turn the outcomes into RIBCL statuses or Redfish errors, as with power.ts.
 */

/** What inserting did. */
export type InsertOutcome = "ok" | "invalid-url";
/** What ejecting did. */
export type EjectOutcome = "ok" | "no-image";

/**
 * A URL of a scheme iLO mounts from, with a location after `//`; anything else is refused before
 * the drive changes. The path may hold spaces: RIBCL clients send them raw (packages/ilo's
 * ribcl.test.ts inserts `…/debian 12&netinst.iso`).
 */
const IMAGE_URL = /^(https?|ftp|nfs|smb|cifs):\/\/\S/i;

/** Whether iLO takes `url` as a virtual media image. */
export function isImageUrl(url: unknown): url is string {
  return typeof url === "string" && IMAGE_URL.test(url);
}

/**
 * Connects `url` to the drive. With the `unreachableImages` fault the URL is accepted but nothing
 * gets inserted, as when iLO cannot fetch the image.
 */
export function insertMedia(state: IloState, device: VirtualMediaDevice, url: unknown): InsertOutcome {
  if (!isImageUrl(url)) return "invalid-url";
  if (!state.faults.unreachableImages) state.virtualMedia[device].image = url;
  touch(state);
  return "ok";
}

/** Disconnects the image (the one-time boot from it goes too); refused when none is inserted. */
export function ejectMedia(state: IloState, device: VirtualMediaDevice): EjectOutcome {
  if (state.virtualMedia[device].image === null) return "no-image";
  disconnectMedia(state, device);
  return "ok";
}

/** Disconnects whatever is there, inserted or not (RIBCL `VM_BOOT_OPTION DISCONNECT`). */
export function disconnectMedia(state: IloState, device: VirtualMediaDevice): void {
  const vm = state.virtualMedia[device];
  vm.image = null;
  vm.bootOption = "NO_BOOT";
  touch(state);
}

export function setWriteProtected(state: IloState, device: VirtualMediaDevice, on: boolean): void {
  state.virtualMedia[device].writeProtected = on;
  touch(state);
}

export function setBootOption(
  state: IloState,
  device: VirtualMediaDevice,
  option: VirtualMediaBootOption,
): void {
  state.virtualMedia[device].bootOption = option;
  touch(state);
}

/** The host booted (power.ts): a BOOT_ONCE drive is used up; the caller counts the change. */
export function consumeBootOnce(state: IloState): void {
  for (const vm of Object.values(state.virtualMedia)) {
    if (vm.bootOption === "BOOT_ONCE") vm.bootOption = "NO_BOOT";
  }
}

/** A drive as both protocols report it. */
export interface MediaStatus {
  /** The image URL, or null when the drive is empty. */
  image: string | null;
  inserted: boolean;
  writeProtected: boolean;
  bootOption: VirtualMediaBootOption;
}

export function mediaStatus(state: IloState, device: VirtualMediaDevice): MediaStatus {
  const vm = state.virtualMedia[device];
  return {
    image: vm.image,
    inserted: vm.image !== null,
    writeProtected: vm.writeProtected,
    bootOption: vm.bootOption,
  };
}
