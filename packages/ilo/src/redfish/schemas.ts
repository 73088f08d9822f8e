/**
 * Zod schemas for the Redfish resources this client reads. They accept unknown fields (APIs grow,
 * iLO firmware drifts: every OEM field is optional) and check the ones we type.
 */
import { z } from "zod";

const Link = z.looseObject({ "@odata.id": z.string() });
const Status = z.looseObject({ Health: z.string().nullish(), State: z.string().nullish() }).nullish();
/** `Oem.Hp` (iLO 4) or `Oem.Hpe` (iLO 5+); both optional. */
const Oem = z.looseObject({
  Hp: z.record(z.string(), z.unknown()).optional(),
  Hpe: z.record(z.string(), z.unknown()).optional(),
});
/** An action (`{target}`); `Actions.Oem` holds OEM actions by name and has no target of its own. */
const Action = z.looseObject({ target: z.string().optional() });

/** A resource collection; a long one may come in pages linked by `Members@odata.nextLink`. */
export const Collection = z.looseObject({
  Members: z.array(Link),
  "Members@odata.nextLink": z.string().nullish(),
});
export type Collection = z.infer<typeof Collection>;

/** `/redfish/v1/`: the links to everything else (`Systems`, `Chassis`, `Managers`, `Links.Sessions`, …). */
export const ServiceRoot = z.looseObject({
  RedfishVersion: z.string().optional(),
  Product: z.string().optional(),
  Systems: Link.optional(),
  Chassis: Link.optional(),
  Managers: Link.optional(),
  AccountService: Link.optional(),
  /** The DMTF update service (iLO 5+): where `FirmwareInventory` is. */
  UpdateService: Link.optional(),
  Links: z.looseObject({ Sessions: Link.optional() }).optional(),
  Oem: Oem.optional(),
});
export type ServiceRoot = z.infer<typeof ServiceRoot>;

export const ComputerSystem = z.looseObject({
  PowerState: z.enum(["On", "Off", "PoweringOn", "PoweringOff", "Paused"]).nullish(),
  Model: z.string().nullish(),
  SerialNumber: z.string().nullish(),
  UUID: z.string().nullish(),
  IndicatorLED: z.string().nullish(),
  Status,
  Boot: z
    .looseObject({
      BootSourceOverrideTarget: z.string().nullish(),
      BootSourceOverrideEnabled: z.string().nullish(),
    })
    .optional(),
  Actions: z.record(z.string(), Action).optional(),
  /** DMTF's newer indicator (ComputerSystem v1.13+), in place of `IndicatorLED`. */
  LocationIndicatorActive: z.boolean().nullish(),
  /** The DMTF storage collection (iLO 5+); iLO 4/5 link HPE's SmartStorage in `Oem.Hp(e).Links`. */
  Storage: Link.optional(),
  /** Virtual media of the system (DMTF 2021.1+); iLO links it from the manager. */
  VirtualMedia: Link.optional(),
  /** The system's log services (the IML on iLO). */
  LogServices: Link.optional(),
  Links: z.looseObject({ Chassis: z.array(Link).optional(), ManagedBy: z.array(Link).optional() }).optional(),
  Oem: Oem.optional(),
});
export type ComputerSystem = z.infer<typeof ComputerSystem>;

/** A chassis: where its `Thermal` and `Power` resources are. */
export const Chassis = z.looseObject({
  Thermal: Link.optional(),
  Power: Link.optional(),
});
export type Chassis = z.infer<typeof Chassis>;

/** The account service: where its `Accounts` collection is. */
export const AccountService = z.looseObject({ Accounts: Link.optional() });
export type AccountService = z.infer<typeof AccountService>;

export const Manager = z.looseObject({
  FirmwareVersion: z.string().optional(),
  Model: z.string().optional(),
  /** iLO links its virtual media here; DMTF services may link it from the system instead. */
  VirtualMedia: Link.optional(),
  /** The manager's log services (the iLO Event Log on iLO). */
  LogServices: Link.optional(),
  Oem: Oem.optional(),
});
export type Manager = z.infer<typeof Manager>;

export const VirtualMedia = z.looseObject({
  MediaTypes: z.array(z.string()).nullish(),
  Image: z.string().nullish(),
  Inserted: z.boolean().nullish(),
  WriteProtected: z.boolean().nullish(),
  Actions: z.record(z.string(), Action).optional(),
  Oem: Oem.optional(),
});
export type VirtualMedia = z.infer<typeof VirtualMedia>;

export const Thermal = z.looseObject({
  Temperatures: z
    .array(
      z.looseObject({
        Name: z.string().nullish(),
        PhysicalContext: z.string().nullish(),
        ReadingCelsius: z.number().nullish(),
        UpperThresholdCritical: z.number().nullish(),
        UpperThresholdFatal: z.number().nullish(),
        Status,
      }),
    )
    .default([]),
  Fans: z
    .array(
      z.looseObject({
        Name: z.string().nullish(),
        FanName: z.string().nullish(),
        Reading: z.number().nullish(),
        /** `Percent` (iLO) or `RPM` (many others). */
        ReadingUnits: z.string().nullish(),
        Status,
      }),
    )
    .default([]),
});
export type Thermal = z.infer<typeof Thermal>;

export const Power = z.looseObject({
  PowerControl: z
    .array(
      z.looseObject({
        PowerConsumedWatts: z.number().nullish(),
        PowerMetrics: z
          .looseObject({
            AverageConsumedWatts: z.number().nullish(),
            MaxConsumedWatts: z.number().nullish(),
            MinConsumedWatts: z.number().nullish(),
          })
          .nullish(),
      }),
    )
    .default([]),
  PowerSupplies: z
    .array(z.looseObject({ Name: z.string().nullish(), PowerCapacityWatts: z.number().nullish(), Status }))
    .default([]),
});
export type Power = z.infer<typeof Power>;

export const ManagerAccount = z.looseObject({
  Id: z.string(),
  UserName: z.string(),
  RoleId: z.string().nullish(),
  Oem: Oem.optional(),
});
export type ManagerAccount = z.infer<typeof ManagerAccount>;

/** HPE SmartStorage (iLO 4 `#HpSmartStorage`, iLO 5 `#HpeSmartStorage`): links to the array controllers. */
export const SmartStorage = z.looseObject({
  Links: z.looseObject({ ArrayControllers: Link.optional() }).optional(),
});
export type SmartStorage = z.infer<typeof SmartStorage>;

export const SmartStorageArrayController = z.looseObject({
  Links: z.looseObject({ PhysicalDrives: Link.optional() }).optional(),
});
export type SmartStorageArrayController = z.infer<typeof SmartStorageArrayController>;

/** A physical drive behind a Smart Array: `Location` "1I:1:3" in `LocationFormat` "ControllerPort:Box:Bay". */
export const SmartStorageDiskDrive = z.looseObject({
  Name: z.string().nullish(),
  Location: z.string().nullish(),
  LocationFormat: z.string().nullish(),
  Model: z.string().nullish(),
  Status,
});
export type SmartStorageDiskDrive = z.infer<typeof SmartStorageDiskDrive>;

/** DMTF `Storage` (one per controller) with its `Drives` links. */
export const Storage = z.looseObject({ Drives: z.array(Link).default([]) });
export type Storage = z.infer<typeof Storage>;

export const Drive = z.looseObject({
  Name: z.string().nullish(),
  Model: z.string().nullish(),
  PhysicalLocation: z
    .looseObject({
      PartLocation: z
        .looseObject({
          LocationOrdinalValue: z.number().nullish(),
          LocationType: z.string().nullish(),
          ServiceLabel: z.string().nullish(),
        })
        .nullish(),
    })
    .nullish(),
  Status,
});
export type Drive = z.infer<typeof Drive>;

/** A log service (`IML`, `IEL`, DMTF `Log1`): its entries and its `#LogService.ClearLog` action. */
export const LogService = z.looseObject({
  Id: z.string().nullish(),
  Name: z.string().nullish(),
  Entries: Link.optional(),
  Actions: z.record(z.string(), Action).optional(),
});
export type LogService = z.infer<typeof LogService>;

/** A log entry; iLO puts Class, Code, EventNumber, Count, Repaired and Updated under `Oem.Hp(e)`. */
export const LogEntry = z.looseObject({
  Id: z.string(),
  Created: z.string().nullish(),
  Message: z.string().nullish(),
  Severity: z.string().nullish(),
  Oem: Oem.optional(),
});
export type LogEntry = z.infer<typeof LogEntry>;

/** The DMTF update service: where its `FirmwareInventory` collection is. */
export const UpdateService = z.looseObject({ FirmwareInventory: Link.optional() });
export type UpdateService = z.infer<typeof UpdateService>;

/** One member of `FirmwareInventory` (DMTF SoftwareInventory). */
export const SoftwareInventory = z.looseObject({
  Id: z.string().nullish(),
  Name: z.string().nullish(),
  Version: z.string().nullish(),
  Updateable: z.boolean().nullish(),
  Oem: Oem.optional(),
});
export type SoftwareInventory = z.infer<typeof SoftwareInventory>;

/**
 * iLO 4's FwSwVersionInventory (`Systems/1/FirmwareInventory/`): `Current` maps an item key
 * (`SystemBMC`, `SystemRomActive`, a PCI id) to a list of `{Name, VersionString, Location, Updateable}`.
 */
export const FwSwVersionInventory = z.looseObject({
  Current: z.record(
    z.string(),
    z.array(
      z.looseObject({
        Name: z.string().nullish(),
        VersionString: z.string().nullish(),
        Location: z.string().nullish(),
        Updateable: z.boolean().nullish(),
      }),
    ),
  ),
});
export type FwSwVersionInventory = z.infer<typeof FwSwVersionInventory>;
