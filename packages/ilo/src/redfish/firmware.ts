/**
 * The iLO's firmware over Redfish: its own version (the manager's `FirmwareVersion`) and every
 * component's, from the root's `UpdateService` → `FirmwareInventory` members (DMTF, iLO 5+), else
 * the system's `Oem.Hp(e).Links.FirmwareInventory` (iLO 4's FwSwVersionInventory,
 * `Current.{item}[]`). No inventory linked is a typed 404 `RedfishError`
 * (`REDFISH_NO_FIRMWARE_INVENTORY`).
 */
import type { CallOptions } from "@homelab-kit/core";
import type { FirmwareComponent, FirmwareInfo, IloBackend } from "../types.js";
import type { RedfishContext } from "./context.js";
import { linkAt, notLinked, oemOf } from "./links.js";
import { FwSwVersionInventory, Manager, SoftwareInventory, UpdateService } from "./schemas.js";

const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);

export function redfishFirmware({
  http,
  nav,
}: RedfishContext): Pick<IloBackend, "firmware" | "firmwareInventory"> {
  async function firmware(call?: CallOptions): Promise<FirmwareInfo> {
    const { body } = await http.get(await nav.managerUrl(call), Manager, call);
    const text = body.FirmwareVersion ?? "";
    const match = /^(iLO\s*\d+)\s+v?([\d.]+)/i.exec(text);
    const current = ((oemOf(body).Firmware as Record<string, unknown> | undefined)?.Current ?? {}) as Record<
      string,
      unknown
    >;
    const license = (oemOf(body).License as Record<string, unknown> | undefined)?.LicenseString;
    return {
      version: match?.[2] ?? text,
      date: typeof current.Date === "string" ? current.Date : undefined,
      managementProcessor: match?.[1]?.replace(/^iLO\s*/i, "iLO ") ?? body.Model ?? "iLO",
      license: typeof license === "string" ? license : undefined,
    };
  }

  async function firmwareInventory(call?: CallOptions): Promise<FirmwareComponent[]> {
    const root = await nav.root(call);
    const updateService = linkAt(root, "UpdateService");
    if (updateService !== undefined) {
      const { body } = await http.get(updateService, UpdateService, call);
      const inventory = linkAt(body, "FirmwareInventory");
      if (inventory !== undefined) {
        const members = await nav.readAll(inventory, SoftwareInventory, call);
        return members.map((m) => ({
          name: m.Name ?? m.Id ?? "",
          version: m.Version ?? "",
          updateable: m.Updateable ?? undefined,
          location: str(oemOf(m).DeviceContext),
        }));
      }
    }
    // iLO 4: the system links HPE's own inventory.
    const { url, body } = await nav.system(call);
    const own = linkAt(oemOf(body), "Links", "FirmwareInventory");
    if (own === undefined)
      throw notLinked(
        nav.absolute(url),
        "firmware inventory (UpdateService)",
        "REDFISH_NO_FIRMWARE_INVENTORY",
      );
    const inventory = (await http.get(own, FwSwVersionInventory, call)).body;
    return Object.values(inventory.Current).flatMap((items) =>
      items.map((i) => ({
        name: i.Name ?? "",
        version: i.VersionString ?? "",
        updateable: i.Updateable ?? undefined,
        location: i.Location ?? undefined,
      })),
    );
  }

  return { firmware, firmwareInventory };
}
