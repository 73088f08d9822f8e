/** One-time and persistent boot over Redfish: the system's `Boot` override. */
import type { BootDevice, IloBackend } from "../types.js";
import type { RedfishContext } from "./context.js";
import { ComputerSystem } from "./schemas.js";

const BOOT_TO_REDFISH: Record<BootDevice, string> = {
  none: "None",
  cd: "Cd",
  floppy: "Floppy",
  hdd: "Hdd",
  usb: "Usb",
  pxe: "Pxe",
  "bios-setup": "BiosSetup",
};

function bootFromRedfish(target: string | null | undefined): BootDevice {
  for (const [device, name] of Object.entries(BOOT_TO_REDFISH))
    if (name === target) return device as BootDevice;
  return "none";
}

export function redfishBoot({ nav, patchWithEtag }: RedfishContext): IloBackend["boot"] {
  const system = nav.system;
  return {
    async getOneTime(call) {
      const boot = (await system(call)).body.Boot;
      return boot?.BootSourceOverrideEnabled === "Once"
        ? bootFromRedfish(boot.BootSourceOverrideTarget)
        : "none";
    },
    async setOneTime(device, call) {
      const Boot = {
        BootSourceOverrideTarget: BOOT_TO_REDFISH[device],
        BootSourceOverrideEnabled: device === "none" ? "Disabled" : "Once",
      };
      await patchWithEtag(await nav.systemUrl(call), ComputerSystem, { Boot }, call);
    },
    async getPersistent(call) {
      const boot = (await system(call)).body.Boot;
      return boot?.BootSourceOverrideEnabled === "Continuous"
        ? [bootFromRedfish(boot.BootSourceOverrideTarget)]
        : [];
    },
    async setPersistent(device, call) {
      const Boot = {
        BootSourceOverrideTarget: BOOT_TO_REDFISH[device],
        BootSourceOverrideEnabled: "Continuous",
      };
      await patchWithEtag(await nav.systemUrl(call), ComputerSystem, { Boot }, call);
    },
  };
}
