/**
 * The firmware of one emulated server, per generation, from its identity (iLO firmware, system ROM,
 * model) and its drives. Each protocol shows the part of it the real iLO shows:
 *
 * - RIBCL `GET_EMBEDDED_HEALTH` → `FIRMWARE_INFORMATION` (`INDEX_n` with FIRMWARE_NAME and
 *   FIRMWARE_VERSION). iLO 3 lists what the recorded iLO 3 1.82 lists
 *   (docs/reference/ilo/samples/ribcl/ilo3-1.82-bl460c-g7/responses/get_embedded_health.xml): the
 *   system ROM, its backup and bootblock, iLO, the power management controller and the CPLD. iLO 4
 *   and 5 add the Smart Array controller and the NIC.
 * - iLO 4 Redfish: `Systems/1/FirmwareInventory/`, linked from `Oem.Hp.Links.FirmwareInventory`
 *   of the system — HPE's FwSwVersionInventory, one object whose `Current` maps an item key
 *   (`SystemBMC`, `SystemRomActive`, `SystemRomBackup`, a PCI id for an adapter) to a list of
 *   `{Name, VersionString, Location, Updateable}` (HewlettPackard/ilo-rest-api-docs, iLO 4 resource
 *   definitions; check_redfish reads it so).
 * - iLO 5 Redfish: the DMTF `UpdateService` → `FirmwareInventory` collection of SoftwareInventory
 *   members (`Name`, `Version`, `Updateable`, `Oem.Hpe.DeviceContext`); HPE's "Adapting from iLO 4"
 *   lists it among what iLO 5 added. The drives are listed there too.
 */
import type { IloState } from "./state.js";

export interface FirmwareComponent {
  /** Member id (iLO 5) / item key (iLO 4 `Current`). */
  id: string;
  /** Name as Redfish shows it. */
  name: string;
  /** Name as RIBCL's FIRMWARE_INFORMATION shows it; undefined when RIBCL does not list it. */
  ribclName: string | undefined;
  version: string;
  /** Whether iLO can update it (Redfish `Updateable`). */
  updateable: boolean;
  /** Where it is (iLO 5 `Oem.Hpe.DeviceContext`, iLO 4 `Location`). */
  location: string;
  /** Listed by iLO 5's FirmwareInventory only (the drives). */
  ilo5Only?: boolean;
}

const ADAPTERS = {
  ilo3: { nic: undefined, array: undefined },
  ilo4: {
    nic: { id: "14e4165f103c2133", name: "HP Ethernet 1Gb 4-port 331FLR Adapter", version: "1.46.0" },
    array: { id: "103c323b103c3351", name: "Smart Array P420i Controller", version: "8.32" },
  },
  ilo5: {
    nic: { id: "", name: "HPE Ethernet 1Gb 4-port 331i Adapter - NIC", version: "20.12.41" },
    array: { id: "", name: "HPE Smart Array P408i-a SR Gen10", version: "1.98" },
  },
} as const;

/** The ROM date: "P68 05/05/2011" → "05/05/2011", "U32 v2.10 (05/21/2019)" → "05/21/2019". */
function romDate(bios: string): string {
  return /(\d\d\/\d\d\/\d{4})/.exec(bios)?.[1] ?? bios;
}

export function firmwareComponents(state: IloState): FirmwareComponent[] {
  const id = state.identity;
  const g = state.generation;
  const iloName = { ilo3: "iLO", ilo4: "iLO", ilo5: "iLO 5" }[g];
  const list: FirmwareComponent[] = [
    {
      id: g === "ilo4" ? "SystemBMC" : "1",
      name: iloName,
      ribclName: "iLO",
      version: `${id.firmwareVersion} ${id.firmwareDate}`,
      updateable: true,
      location: "System Board",
    },
    {
      id: g === "ilo4" ? "SystemRomActive" : "2",
      name: "System ROM",
      ribclName: "HP ProLiant System ROM",
      version: g === "ilo3" ? romDate(id.biosVersion) : id.biosVersion,
      updateable: true,
      location: "System Board",
    },
    {
      id: g === "ilo4" ? "SystemRomBackup" : "3",
      name: "Redundant System ROM",
      ribclName: "HP ProLiant System ROM - Backup",
      version: g === "ilo3" ? romDate(id.biosVersion) : id.biosVersion,
      updateable: false,
      location: "System Board",
    },
    {
      id: g === "ilo4" ? "PowerManagementController" : "4",
      name: "Power Management Controller Firmware",
      ribclName: g === "ilo3" ? "Power Management Controller" : "Power Management Controller Firmware",
      version: g === "ilo5" ? "1.0.4" : "1.6",
      updateable: true,
      location: "System Board",
    },
  ];
  if (g === "ilo3") {
    list.push(
      {
        id: "5",
        name: "System ROM Bootblock",
        ribclName: "HP ProLiant System ROM Bootblock",
        version: "03/08/2010",
        updateable: false,
        location: "System Board",
      },
      {
        id: "6",
        name: "CPLD - PAL0",
        ribclName: "CPLD - PAL0",
        version: `${id.productName} System Programmable Logic Device version 0x13`,
        updateable: false,
        location: "System Board",
      },
    );
    return list;
  }
  const { nic, array } = ADAPTERS[g];
  list.push(
    {
      id: array.id,
      name: array.name,
      ribclName: g === "ilo4" ? `HP ${array.name}` : array.name,
      version: array.version,
      updateable: true,
      location: "Embedded RAID",
    },
    {
      id: nic.id,
      name: nic.name,
      ribclName: nic.name,
      version: nic.version,
      updateable: true,
      location: "Embedded LOM",
    },
  );
  if (g === "ilo5") {
    for (const d of state.sensors.drives) {
      list.push({
        id: "",
        name: d.model,
        ribclName: undefined,
        version: d.firmware ?? "",
        updateable: false,
        location: `Slot 0 Port 1I Box 1 Bay ${d.bay}`,
        ilo5Only: true,
      });
    }
    // iLO 5 numbers its FirmwareInventory members 1, 2, 3, …
    list.forEach((c, i) => {
      c.id = String(i + 1);
    });
  }
  return list;
}

/** RIBCL FIRMWARE_INFORMATION entries, in order. */
export function ribclFirmwareInformation(state: IloState): Array<{ name: string; version: string }> {
  return firmwareComponents(state).flatMap((c) =>
    c.ribclName === undefined ? [] : [{ name: c.ribclName, version: c.version }],
  );
}
