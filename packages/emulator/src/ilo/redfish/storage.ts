import type { Drive, IloState } from "../state.js";
import { type Ctx, fail, type Resource } from "./context.js";
import { collection, hasDmtfStorage, health, link, oemOf, SMART_STORAGE, STORAGE, V1 } from "./resources.js";

/**
 * The drives of `state.sensors.drives` as Redfish shows them, so that a client reads the same bays,
 * models and health over Redfish as over RIBCL's GET_EMBEDDED_HEALTH:
 *
 * - iLO 4 and iLO 5: HPE's SmartStorage tree (`Oem.Hp(e).Links.SmartStorage` on Systems/1) →
 *   `ArrayControllers/0/` → `DiskDrives/{n}/`, each with `Location` "1I:1:{bay}" in the
 *   `ControllerPort:Box:Bay` format, `#HpSmartStorage…` types on iLO 4, `#HpeSmartStorage…` on iLO 5.
 * - iLO 5 also: the DMTF `Storage` collection (Systems/1 `Storage`) → `Storage/DA000000/` with
 *   `Drives[]` → `Drives/{n}/`, the bay in `PhysicalLocation.PartLocation`.
 */

const CONTROLLER = `${SMART_STORAGE}ArrayControllers/0/`;
/** iLO 5 names a Smart Array's storage resource after its slot/port, e.g. `DA000000`. */
const STORAGE_ID = "DA000000";
const STORAGE_MEMBER = `${STORAGE}${STORAGE_ID}/`;

const CONTROLLER_MODEL = {
  ilo3: "Smart Array P410i",
  ilo4: "Smart Array P420i",
  ilo5: "HPE Smart Array P408i-a SR Gen10",
};

const rollup = (drives: Drive[]) => health(drives.map((d) => d.health));

function type(state: IloState, name: string, version: string): string {
  const { prefix } = oemOf(state);
  return `#${prefix}${name}.${version}.${prefix}${name}`;
}

export function smartStorage(state: IloState): object {
  return {
    "@odata.id": SMART_STORAGE,
    "@odata.type": type(state, "SmartStorage", "v2_0_0"),
    Id: "SmartStorage",
    Name: `${oemOf(state).prefix}SmartStorage`,
    Links: { ArrayControllers: link(`${SMART_STORAGE}ArrayControllers/`) },
    Status: { Health: rollup(state.sensors.drives) },
  };
}

export function arrayControllers(state: IloState): object {
  return collection(
    `${SMART_STORAGE}ArrayControllers/`,
    `${oemOf(state).prefix}SmartStorageArrayControllerCollection`,
    `${oemOf(state).prefix}SmartStorageArrayControllers`,
    [CONTROLLER],
  );
}

export function arrayController(state: IloState): object {
  return {
    "@odata.id": CONTROLLER,
    "@odata.type": type(state, "SmartStorageArrayController", "v2_2_0"),
    Id: "0",
    Name: `${oemOf(state).prefix}SmartStorageArrayController`,
    Location: "Slot 0",
    LocationFormat: "PCISlot",
    Model: CONTROLLER_MODEL[state.generation],
    Links: {
      LogicalDrives: link(`${CONTROLLER}LogicalDrives/`),
      PhysicalDrives: link(`${CONTROLLER}DiskDrives/`),
      UnconfiguredDrives: link(`${CONTROLLER}UnconfiguredDrives/`),
    },
    Status: { Health: rollup(state.sensors.drives), State: "Enabled" },
  };
}

export function diskDrives(state: IloState): object {
  return collection(
    `${CONTROLLER}DiskDrives/`,
    `${oemOf(state).prefix}SmartStorageDiskDriveCollection`,
    `${oemOf(state).prefix}SmartStorageDiskDrives`,
    state.sensors.drives.map((_, i) => `${CONTROLLER}DiskDrives/${i}/`),
  );
}

/** The drive at index `id` of the state, or `undefined`. */
export function driveAt(state: IloState, id: string): Drive | undefined {
  return /^\d+$/.test(id) ? state.sensors.drives[Number(id)] : undefined;
}

export function diskDrive(state: IloState, id: string, d: Drive): object {
  return {
    "@odata.id": `${CONTROLLER}DiskDrives/${id}/`,
    "@odata.type": type(state, "SmartStorageDiskDrive", "v2_0_0"),
    Id: id,
    Name: `${oemOf(state).prefix}SmartStorageDiskDrive`,
    ...(d.capacityGB !== undefined
      ? { CapacityGB: d.capacityGB, CapacityMiB: Math.floor((d.capacityGB * 1e9) / 2 ** 20) }
      : {}),
    InterfaceType: "SAS",
    Location: `1I:1:${d.bay}`,
    LocationFormat: "ControllerPort:Box:Bay",
    MediaType: "HDD",
    Model: d.model,
    ...(d.rpm !== undefined ? { RotationalSpeedRpm: d.rpm } : {}),
    Status: { Health: d.health, State: "Enabled" },
  };
}

export function storageCollection(): object {
  return collection(STORAGE, "StorageCollection", "Storage", [STORAGE_MEMBER]);
}

export function storage(state: IloState): object {
  return {
    "@odata.id": STORAGE_MEMBER,
    "@odata.type": "#Storage.v1_7_0.Storage",
    Id: STORAGE_ID,
    Name: CONTROLLER_MODEL[state.generation],
    Drives: state.sensors.drives.map((_, i) => link(`${STORAGE_MEMBER}Drives/${i}/`)),
    "Drives@odata.count": state.sensors.drives.length,
    Status: {
      Health: rollup(state.sensors.drives),
      HealthRollup: rollup(state.sensors.drives),
      State: "Enabled",
    },
  };
}

export function drive(id: string, d: Drive): object {
  return {
    "@odata.id": `${STORAGE_MEMBER}Drives/${id}/`,
    "@odata.type": "#Drive.v1_7_0.Drive",
    Id: id,
    Name: `Drive ${Number(id) + 1}`,
    ...(d.capacityGB !== undefined ? { CapacityBytes: d.capacityGB * 1e9 } : {}),
    MediaType: "HDD",
    Model: d.model,
    PhysicalLocation: {
      PartLocation: {
        LocationOrdinalValue: Number(d.bay),
        LocationType: "Bay",
        ServiceLabel: `Slot=0:Port=1I:Box=1:Bay=${d.bay}`,
      },
    },
    Protocol: "SAS",
    ...(d.rpm !== undefined ? { RotationSpeedRPM: d.rpm } : {}),
    Status: { Health: d.health, State: "Enabled" },
  };
}

/** The storage resources under `Systems/1` (systems.ts serves them). */
export function storageResources(state: IloState): Resource[] {
  const smart = `${V1}/systems/1/smartstorage`;
  const controller = `${smart}/arraycontrollers/0`;
  const driveOf = (ctx: Ctx) =>
    driveAt(state, ctx.id) ?? fail(state, 404, "ResourceMissingAtURI", [ctx.req.path]);
  const table: Resource[] = [
    { path: smart, get: () => smartStorage(state) },
    { path: `${smart}/arraycontrollers`, get: () => arrayControllers(state) },
    { path: controller, get: () => arrayController(state) },
    { path: `${controller}/diskdrives`, get: () => diskDrives(state) },
    { path: `${controller}/diskdrives/:id`, get: (ctx) => diskDrive(state, ctx.id, driveOf(ctx)) },
  ];
  if (hasDmtfStorage(state)) {
    const member = `${V1}/systems/1/storage/da000000`;
    table.push(
      { path: `${V1}/systems/1/storage`, get: () => storageCollection() },
      { path: member, get: () => storage(state) },
      { path: `${member}/drives/:id`, get: (ctx) => drive(ctx.id, driveOf(ctx)) },
    );
  }
  return table;
}
