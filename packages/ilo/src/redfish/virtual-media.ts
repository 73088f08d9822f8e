/**
 * Virtual media over Redfish: the drive whose `MediaTypes` fit, then the DMTF actions, iLO's OEM
 * ones, or a PATCH of the resource when it has neither.
 */
import type { CallOptions } from "@homelab-kit/core";
import type { IloBackend, VirtualMediaDevice } from "../types.js";
import type { RedfishContext } from "./context.js";
import { actionTarget, linkAt, notLinked, oemOf } from "./links.js";
import { Manager, VirtualMedia } from "./schemas.js";

function oemKey(body: { Oem?: { Hp?: unknown; Hpe?: unknown } | undefined }): "Hp" | "Hpe" {
  return body.Oem?.Hp !== undefined && body.Oem?.Hpe === undefined ? "Hp" : "Hpe";
}

/** iLO's own virtual media (`Oem.Hp` / `Oem.Hpe` on the resource): PATCH takes `Image` alone. */
function isHpeResource(body: { Oem?: { Hp?: unknown; Hpe?: unknown } | undefined }): boolean {
  return body.Oem?.Hp !== undefined || body.Oem?.Hpe !== undefined;
}

const MEDIA_TYPES: Record<VirtualMediaDevice, string[]> = {
  cd: ["CD", "DVD"],
  floppy: ["Floppy", "USBStick"],
};

export function redfishVirtualMedia({
  http,
  nav,
  patchWithEtag,
}: RedfishContext): IloBackend["virtualMedia"] {
  /**
   * The virtual media resource for `device`: the first member whose `MediaTypes` fit, in the
   * manager's `VirtualMedia` collection (iLO), then the system's (DMTF 2021.1+).
   */
  async function virtualMediaUrl(device: VirtualMediaDevice, call?: CallOptions): Promise<string> {
    const [manager, sys] = await Promise.all([
      nav.managerUrl(call).then((url) => http.get(url, Manager, call)),
      nav.system(call),
    ]);
    const collections = [linkAt(manager.body, "VirtualMedia"), linkAt(sys.body, "VirtualMedia")].filter(
      (url, i, all): url is string => url !== undefined && all.indexOf(url) === i,
    );
    for (const url of collections) {
      for (const member of await nav.members(url, call)) {
        const { body } = await http.get(member, VirtualMedia, call);
        if (body.MediaTypes?.some((t) => MEDIA_TYPES[device].includes(t))) return member;
      }
    }
    throw notLinked(nav.absolute(sys.url), `${device} virtual media`, "REDFISH_NO_VIRTUAL_MEDIA");
  }

  return {
    async status(device, call) {
      const { body } = await http.get(await virtualMediaUrl(device, call), VirtualMedia, call);
      const inserted = body.Inserted ?? Boolean(body.Image);
      return {
        device,
        inserted,
        image: inserted && body.Image ? body.Image : null,
        writeProtected: body.WriteProtected ?? true,
        bootOnNextReset: oemOf(body).BootOnNextServerReset === true,
      };
    },
    async insert(device, imageUrl, call) {
      const path = await virtualMediaUrl(device, call);
      const { body } = await http.get(path, VirtualMedia, call);
      const standard = actionTarget(body.Actions, "#VirtualMedia.InsertMedia");
      const vendor = actionTarget(oemOf(body).Actions, "iLOVirtualMedia.InsertVirtualMedia");
      if (standard)
        await http.post(standard, { Image: imageUrl, Inserted: true, WriteProtected: true }, call);
      else if (vendor) await http.post(vendor, { Image: imageUrl }, call);
      else {
        // No action: PATCH the resource (iLO 4 takes `Image` alone; DMTF's writable properties otherwise).
        const patch = isHpeResource(body)
          ? { Image: imageUrl }
          : { Image: imageUrl, Inserted: true, WriteProtected: true };
        await patchWithEtag(path, VirtualMedia, patch, call);
      }
      if (call?.bootOnNextReset) {
        await patchWithEtag(
          path,
          VirtualMedia,
          { Oem: { [oemKey(body)]: { BootOnNextServerReset: true } } },
          call,
        );
      }
    },
    async eject(device, call) {
      const path = await virtualMediaUrl(device, call);
      const { body } = await http.get(path, VirtualMedia, call);
      const standard = actionTarget(body.Actions, "#VirtualMedia.EjectMedia");
      const vendor = actionTarget(oemOf(body).Actions, "iLOVirtualMedia.EjectVirtualMedia");
      if (standard) await http.post(standard, {}, call);
      else if (vendor) await http.post(vendor, {}, call);
      else {
        const patch = isHpeResource(body) ? { Image: null } : { Image: null, Inserted: false };
        await patchWithEtag(path, VirtualMedia, patch, call);
      }
    },
  };
}
