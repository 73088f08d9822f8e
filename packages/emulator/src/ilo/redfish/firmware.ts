/**
 * Firmware inventory over Redfish (the components come from firmware.ts):
 *
 * - iLO 5: `UpdateService/` (linked from the service root) → `FirmwareInventory/` → members
 *   `1/`, `2/`, … (DMTF SoftwareInventory: Name, Version, Updateable; `Oem.Hpe.DeviceContext`).
 * - iLO 4: no UpdateService; `Systems/1/FirmwareInventory/` linked from the system's
 *   `Oem.Hp.Links.FirmwareInventory`, HPE's FwSwVersionInventory (`Current.{item}[]` with Name,
 *   VersionString, Location, Updateable), as HewlettPackard/ilo-rest-api-docs defines it for iLO 4.
 */
import { firmwareComponents } from "../firmware.js";
import type { IloState } from "../state.js";
import { fail, type Resource } from "./context.js";
import { collection, link } from "./resources.js";

export const UPDATE_SERVICE = "/redfish/v1/UpdateService/";
export const FIRMWARE_INVENTORY = `${UPDATE_SERVICE}FirmwareInventory/`;
/** iLO 4's inventory, linked from Systems/1 `Oem.Hp.Links.FirmwareInventory`. */
export const ILO4_FIRMWARE_INVENTORY = "/redfish/v1/Systems/1/FirmwareInventory/";

/** Whether this flavour has the DMTF UpdateService (iLO 5) rather than iLO 4's FwSwVersionInventory. */
export const hasUpdateService = (state: IloState) => state.generation === "ilo5";

function updateService(): object {
  return {
    "@odata.context": "/redfish/v1/$metadata#UpdateService.UpdateService",
    "@odata.id": UPDATE_SERVICE,
    "@odata.type": "#UpdateService.v1_1_1.UpdateService",
    Id: "UpdateService",
    Description: "iLO Update Service",
    FirmwareInventory: link(FIRMWARE_INVENTORY),
    Name: "Update Service",
    ServiceEnabled: true,
    Status: { Health: "OK", State: "Enabled" },
  };
}

function softwareInventory(state: IloState, id: string): object {
  const c = firmwareComponents(state).find((f) => f.id === id);
  if (!c) return fail(state, 404, "ResourceMissingAtURI", [`${FIRMWARE_INVENTORY}${id}/`]);
  return {
    "@odata.context": "/redfish/v1/$metadata#SoftwareInventory.SoftwareInventory",
    "@odata.id": `${FIRMWARE_INVENTORY}${id}/`,
    "@odata.type": "#SoftwareInventory.v1_0_0.SoftwareInventory",
    Id: id,
    Name: c.name,
    Oem: {
      Hpe: {
        "@odata.type": "#HpeiLOSoftwareInventory.v2_0_0.HpeiLOSoftwareInventory",
        DeviceContext: c.location,
      },
    },
    Status: { Health: "OK", State: "Enabled" },
    Updateable: c.updateable,
    Version: c.version,
  };
}

function fwSwVersionInventory(state: IloState): object {
  const current: Record<string, object[]> = {};
  for (const c of firmwareComponents(state)) {
    current[c.id] = [
      { Key: c.id, Location: c.location, Name: c.name, Updateable: c.updateable, VersionString: c.version },
    ];
  }
  return {
    "@odata.context": "/redfish/v1/$metadata#Systems/Members/1/FirmwareInventory$entity",
    "@odata.id": ILO4_FIRMWARE_INVENTORY,
    "@odata.type": "#FwSwVersionInventory.v1_2_0.FwSwVersionInventory",
    Current: current,
    Id: "FirmwareInventory",
    Name: "Firmware Version Inventory",
  };
}

export function firmwareResources(state: IloState): Resource[] {
  if (!hasUpdateService(state)) {
    return [{ path: "/redfish/v1/systems/1/firmwareinventory", get: () => fwSwVersionInventory(state) }];
  }
  const inventory = FIRMWARE_INVENTORY.toLowerCase().replace(/\/$/, "");
  return [
    { path: "/redfish/v1/updateservice", get: () => updateService() },
    {
      path: inventory,
      get: () =>
        collection(
          FIRMWARE_INVENTORY,
          "SoftwareInventoryCollection",
          "Firmware Inventory Collection",
          firmwareComponents(state).map((c) => `${FIRMWARE_INVENTORY}${c.id}/`),
        ),
    },
    { path: `${inventory}/:id`, get: (ctx) => softwareInventory(state, ctx.id) },
  ];
}
