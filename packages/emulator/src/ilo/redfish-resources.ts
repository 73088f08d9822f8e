import { postState, powerState } from "./power.js";
import { sensorReadings } from "./readings.js";
import type { IloSession, IloState, IloUser, VirtualMediaDevice } from "./state.js";

/**
 * Redfish resource bodies built from the state, shaped after the iLO 5 1.45 dump (samples/redfish)
 * and renamed for iLO 4 (`Oem.Hp`, `#Hp…` types) as samples/redfish/README.md describes. Every
 * `@odata.id` ends with `/`.
 */

export interface Oem {
  /** `Hp` on iLO 4, `Hpe` on iLO 5. */
  key: "Hp" | "Hpe";
  /** OEM type prefix: `Hp` / `Hpe` (`#HpeComputerSystemExt…`). */
  prefix: "Hp" | "Hpe";
}

export function oemOf(state: IloState): Oem {
  return state.generation === "ilo4" ? { key: "Hp", prefix: "Hp" } : { key: "Hpe", prefix: "Hpe" };
}

export const link = (id: string) => ({ "@odata.id": id });

/** HPE SmartStorage (iLO 4, 5) and DMTF Storage (iLO 5) of Systems/1; bodies in redfish-storage.ts. */
export const SMART_STORAGE = "/redfish/v1/Systems/1/SmartStorage/";
export const STORAGE = "/redfish/v1/Systems/1/Storage/";

/** Whether this flavour serves the DMTF `Storage` tree (iLO 5) next to SmartStorage. */
export const hasDmtfStorage = (state: IloState) => state.generation === "ilo5";

export const RESET_TYPES = ["On", "ForceOff", "ForceRestart", "Nmi", "PushPowerButton"] as const;

export const BOOT_TARGETS: Record<IloState["generation"], readonly string[]> = {
  ilo3: [],
  ilo4: ["None", "Cd", "Hdd", "Usb", "Utilities", "Diags", "BiosSetup", "Pxe", "UefiShell", "UefiTarget"],
  ilo5: [
    "None",
    "Cd",
    "Hdd",
    "Usb",
    "SDCard",
    "Utilities",
    "Diags",
    "BiosSetup",
    "Pxe",
    "UefiShell",
    "UefiHttp",
    "UefiTarget",
  ],
};

function managerType(state: IloState): string {
  return state.generation === "ilo4" ? "iLO 4" : "iLO 5";
}

export function firmwareString(state: IloState): string {
  return `${managerType(state)} v${state.identity.firmwareVersion}`;
}

export function serviceRoot(state: IloState): object {
  const oem = oemOf(state);
  return {
    "@odata.context": "/redfish/v1/$metadata#ServiceRoot.ServiceRoot",
    "@odata.id": "/redfish/v1/",
    "@odata.type": "#ServiceRoot.v1_5_0.ServiceRoot",
    Id: "RootService",
    AccountService: link("/redfish/v1/AccountService/"),
    Chassis: link("/redfish/v1/Chassis/"),
    Links: { Sessions: link("/redfish/v1/SessionService/Sessions/") },
    Managers: link("/redfish/v1/Managers/"),
    Name: `${oem.key === "Hp" ? "HP" : "HPE"} RESTful Root Service`,
    Oem: {
      [oem.key]: {
        "@odata.type": `#${oem.prefix}iLOServiceExt.v2_2_0.${oem.prefix}iLOServiceExt`,
        Manager: [
          {
            ManagerFirmwareVersion: state.identity.firmwareVersion,
            ManagerType: managerType(state),
            HostName: `ilo-${state.identity.hostName}`,
            Status: { Health: "OK" },
          },
        ],
        Sessions: {
          LocalLoginEnabled: true,
          LoginHint: {
            Hint: "POST to /Sessions to login using the following JSON object:",
            HintPOSTData: { Password: "password", UserName: "username" },
          },
        },
      },
    },
    Product: state.identity.productName,
    RedfishVersion: state.generation === "ilo4" ? "1.0.0" : "1.6.0",
    SessionService: link("/redfish/v1/SessionService/"),
    Systems: link("/redfish/v1/Systems/"),
    ...(state.generation === "ilo5" ? { UpdateService: link("/redfish/v1/UpdateService/") } : {}),
    UUID: state.identity.uuid,
    Vendor: oem.key === "Hp" ? "HP" : "HPE",
  };
}

export function collection(id: string, type: string, name: string, members: string[]): object {
  return {
    "@odata.context": `/redfish/v1/$metadata#${type}.${type}`,
    "@odata.id": id,
    "@odata.type": `#${type}.${type}`,
    Name: name,
    Members: members.map(link),
    "Members@odata.count": members.length,
  };
}

/** The worst of some Redfish health values (an empty list is OK). */
export function health(values: string[]): "OK" | "Warning" | "Critical" {
  return values.includes("Critical") ? "Critical" : values.includes("Warning") ? "Warning" : "OK";
}

export function overallHealth(state: IloState): "OK" | "Warning" | "Critical" {
  const s = state.sensors;
  return health([
    ...s.fans.map((f) => f.health),
    ...s.temperatures.map((t) => t.health),
    ...s.powerSupplies.filter((p) => p.present).map((p) => p.health),
    ...s.drives.map((d) => d.health),
  ]);
}

export function system(state: IloState): object {
  const oem = oemOf(state);
  const base = "/redfish/v1/Systems/1/";
  const o = state.boot.override;
  return {
    "@odata.context": "/redfish/v1/$metadata#ComputerSystem.ComputerSystem",
    "@odata.id": base,
    "@odata.type": "#ComputerSystem.v1_4_0.ComputerSystem",
    Id: "1",
    Actions: {
      "#ComputerSystem.Reset": {
        "ResetType@Redfish.AllowableValues": [...RESET_TYPES],
        target: `${base}Actions/ComputerSystem.Reset/`,
      },
    },
    AssetTag: "",
    BiosVersion: state.identity.biosVersion,
    Boot: {
      BootSourceOverrideEnabled: o.enabled,
      BootSourceOverrideMode: o.mode,
      BootSourceOverrideTarget: o.target,
      "BootSourceOverrideTarget@Redfish.AllowableValues": [...BOOT_TARGETS[state.generation]],
      UefiTargetBootSourceOverride: "None",
    },
    HostName: state.identity.hostName,
    IndicatorLED: state.uid === "On" ? "Lit" : "Off",
    Links: { ManagedBy: [link("/redfish/v1/Managers/1/")], Chassis: [link("/redfish/v1/Chassis/1/")] },
    LogServices: link("/redfish/v1/Systems/1/LogServices/"),
    Manufacturer: oem.key === "Hp" ? "HP" : "HPE",
    MemorySummary: { Status: { HealthRollup: "OK" }, TotalSystemMemoryGiB: state.memoryGiB },
    Model: state.identity.productName,
    Name: "Computer System",
    Oem: {
      [oem.key]: {
        "@odata.type": `#${oem.prefix}ComputerSystemExt.v2_6_1.${oem.prefix}ComputerSystemExt`,
        Actions: {
          [`#${oem.prefix}ComputerSystemExt.PowerButton`]: {
            "PushType@Redfish.AllowableValues": ["Press", "PressAndHold"],
            target: `${base}Actions/Oem/${oem.key}/${oem.prefix}ComputerSystemExt.PowerButton/`,
          },
          [`#${oem.prefix}ComputerSystemExt.SystemReset`]: {
            "ResetType@Redfish.AllowableValues": ["ColdBoot", "AuxCycle"],
            target: `${base}Actions/Oem/${oem.key}/${oem.prefix}ComputerSystemExt.SystemReset/`,
          },
        },
        Bios: { Current: { VersionString: state.identity.biosVersion } },
        Links: {
          SmartStorage: link(SMART_STORAGE),
          // iLO 4's firmware inventory; iLO 5 has the DMTF UpdateService instead (redfish-firmware.ts).
          ...(state.generation === "ilo4"
            ? { FirmwareInventory: link("/redfish/v1/Systems/1/FirmwareInventory/") }
            : {}),
        },
        PostState: postState(state),
        PowerAutoOn: "PowerOn",
      },
    },
    PowerState: powerState(state),
    ProcessorSummary: {
      Count: 2,
      Model: "Intel(R) Xeon(R) CPU L5640 @ 2.27GHz",
      Status: { HealthRollup: "OK" },
    },
    SerialNumber: state.identity.serialNumber,
    Status: { Health: overallHealth(state), State: "Enabled" },
    ...(hasDmtfStorage(state) ? { Storage: link(STORAGE) } : {}),
    SystemType: "Physical",
    UUID: state.identity.uuid,
  };
}

export function manager(state: IloState): object {
  const oem = oemOf(state);
  const [major, minor] = state.identity.firmwareVersion.split(".");
  return {
    "@odata.context": "/redfish/v1/$metadata#Manager.Manager",
    "@odata.id": "/redfish/v1/Managers/1/",
    "@odata.type": "#Manager.v1_3_3.Manager",
    Id: "1",
    Actions: { "#Manager.Reset": { target: "/redfish/v1/Managers/1/Actions/Manager.Reset/" } },
    FirmwareVersion: firmwareString(state),
    LogServices: link("/redfish/v1/Managers/1/LogServices/"),
    Links: {
      ManagerForServers: [link("/redfish/v1/Systems/1/")],
      ManagerForChassis: [link("/redfish/v1/Chassis/1/")],
    },
    ManagerType: "BMC",
    Model: managerType(state),
    Name: "Manager",
    Oem: {
      [oem.key]: {
        "@odata.type": `#${oem.prefix}iLO.v2_1_0.${oem.prefix}iLO`,
        Firmware: {
          Current: {
            Date: state.identity.firmwareDate,
            MajorVersion: Number(major),
            MinorVersion: Number(minor),
            VersionString: firmwareString(state),
          },
        },
        IdleConnectionTimeoutMinutes: Math.round(state.sessionIdleTimeoutMs / 60_000),
        License: { LicenseString: state.identity.licenseType },
        RIBCLEnabled: true,
      },
    },
    Status: { State: "Enabled", Health: "OK" },
    UUID: state.identity.uuid,
    VirtualMedia: link("/redfish/v1/Managers/1/VirtualMedia/"),
  };
}

export const VM_IDS: Record<string, VirtualMediaDevice> = { "1": "floppy", "2": "cd" };

export function virtualMedia(state: IloState, id: string, device: VirtualMediaDevice): object {
  const oem = oemOf(state);
  const base = `/redfish/v1/Managers/1/VirtualMedia/${id}/`;
  const vm = state.virtualMedia[device];
  const oemActions = {
    [`#${oem.prefix}iLOVirtualMedia.EjectVirtualMedia`]: {
      target: `${base}Actions/Oem/${oem.key}/${oem.prefix}iLOVirtualMedia.EjectVirtualMedia/`,
    },
    [`#${oem.prefix}iLOVirtualMedia.InsertVirtualMedia`]: {
      target: `${base}Actions/Oem/${oem.key}/${oem.prefix}iLOVirtualMedia.InsertVirtualMedia/`,
    },
  };
  return {
    "@odata.context": "/redfish/v1/$metadata#VirtualMedia.VirtualMedia",
    "@odata.id": base,
    "@odata.type": "#VirtualMedia.v1_2_0.VirtualMedia",
    Id: id,
    ...(state.generation === "ilo4"
      ? {}
      : {
          Actions: {
            "#VirtualMedia.EjectMedia": { target: `${base}Actions/VirtualMedia.EjectMedia/` },
            "#VirtualMedia.InsertMedia": { target: `${base}Actions/VirtualMedia.InsertMedia/` },
          },
        }),
    ConnectedVia: vm.image ? "URI" : "NotConnected",
    Description: "Virtual Removable Media",
    Image: vm.image ?? "",
    ImageName: vm.image ? (vm.image.split("/").pop() ?? "") : "",
    Inserted: vm.image !== null,
    MediaTypes: device === "cd" ? ["CD", "DVD"] : ["Floppy", "USBStick"],
    Name: "VirtualMedia",
    Oem: {
      [oem.key]: {
        "@odata.type": `#${oem.prefix}iLOVirtualMedia.v2_2_0.${oem.prefix}iLOVirtualMedia`,
        Actions: oemActions,
        BootOnNextServerReset: vm.bootOption === "BOOT_ONCE",
      },
    },
    WriteProtected: vm.writeProtected,
  };
}

export function chassis(state: IloState): object {
  return {
    "@odata.context": "/redfish/v1/$metadata#Chassis.Chassis",
    "@odata.id": "/redfish/v1/Chassis/1/",
    "@odata.type": "#Chassis.v1_6_0.Chassis",
    Id: "1",
    ChassisType: "RackMount",
    Manufacturer: oemOf(state).key === "Hp" ? "HP" : "HPE",
    Model: state.identity.productName,
    Name: "Computer System Chassis",
    Power: link("/redfish/v1/Chassis/1/Power/"),
    SerialNumber: state.identity.serialNumber,
    Status: { Health: overallHealth(state), State: "Enabled" },
    Thermal: link("/redfish/v1/Chassis/1/Thermal/"),
  };
}

export function thermal(state: IloState): object {
  const readings = sensorReadings(state);
  return {
    "@odata.context": "/redfish/v1/$metadata#Thermal.Thermal",
    "@odata.id": "/redfish/v1/Chassis/1/Thermal/",
    "@odata.type": "#Thermal.v1_1_0.Thermal",
    Id: "Thermal",
    Name: "Thermal",
    Fans: readings.fans.map((f, i) => ({
      "@odata.id": `/redfish/v1/Chassis/1/Thermal/#Fans/${i}`,
      MemberId: String(i),
      Name: f.name,
      Reading: f.reading,
      ReadingUnits: "Percent",
      Status: { Health: f.health, State: "Enabled" },
    })),
    Temperatures: readings.temperatures.map((t, i) => ({
      "@odata.id": `/redfish/v1/Chassis/1/Thermal/#Temperatures/${i}`,
      MemberId: String(i),
      Name: t.name,
      PhysicalContext: t.location === "Ambient" ? "Intake" : t.location,
      ReadingCelsius: t.reading,
      UpperThresholdCritical: t.caution,
      UpperThresholdFatal: t.critical,
      Status: { Health: t.health, State: "Enabled" },
    })),
  };
}

export function power(state: IloState): object {
  const readings = sensorReadings(state);
  const w = readings.watts;
  const capacity = state.sensors.powerSupplies
    .filter((p) => p.present)
    .reduce((n, p) => n + p.capacityWatts, 0);
  return {
    "@odata.context": "/redfish/v1/$metadata#Power.Power",
    "@odata.id": "/redfish/v1/Chassis/1/Power/",
    "@odata.type": "#Power.v1_3_0.Power",
    Id: "Power",
    Name: "PowerMetrics",
    PowerControl: [
      {
        "@odata.id": "/redfish/v1/Chassis/1/Power/#PowerControl/0",
        MemberId: "0",
        PowerCapacityWatts: capacity,
        PowerConsumedWatts: w.present,
        PowerMetrics: {
          AverageConsumedWatts: w.average,
          IntervalInMin: 20,
          MaxConsumedWatts: w.maximum,
          MinConsumedWatts: w.minimum,
        },
      },
    ],
    PowerSupplies: readings.powerSupplies.map((p, i) => ({
      "@odata.id": `/redfish/v1/Chassis/1/Power/#PowerSupplies/${i}`,
      MemberId: String(i),
      Name: p.name,
      PowerCapacityWatts: p.capacityWatts,
      SerialNumber: p.serial,
      Status: { Health: p.health, State: p.present ? "Enabled" : "Absent" },
    })),
  };
}

export function sessionService(state: IloState): object {
  return {
    "@odata.context": "/redfish/v1/$metadata#SessionService.SessionService",
    "@odata.id": "/redfish/v1/SessionService/",
    "@odata.type": "#SessionService.v1_0_0.SessionService",
    Id: "SessionService",
    Name: "Session Service",
    ServiceEnabled: true,
    SessionTimeout: Math.round(state.sessionIdleTimeoutMs / 1000),
    Sessions: link("/redfish/v1/SessionService/Sessions/"),
    Status: { Health: "OK", State: "Enabled" },
  };
}

export function session(state: IloState, s: IloSession, mine: boolean): object {
  const oem = oemOf(state);
  return {
    "@odata.context": "/redfish/v1/$metadata#Session.Session",
    "@odata.id": `/redfish/v1/SessionService/Sessions/${s.id}/`,
    "@odata.type": "#Session.v1_0_0.Session",
    Id: s.id,
    Name: "User Session",
    Oem: {
      [oem.key]: {
        "@odata.type": `#${oem.prefix}iLOSession.v2_0_0.${oem.prefix}iLOSession`,
        MySession: mine,
        UserAccount: s.login,
        UserExpires: new Date(s.lastUsedAt + state.sessionIdleTimeoutMs).toISOString(),
        UserTag: "REST",
        UserType: "Local",
      },
    },
    UserName: s.login,
  };
}

export function accountService(): object {
  return {
    "@odata.context": "/redfish/v1/$metadata#AccountService.AccountService",
    "@odata.id": "/redfish/v1/AccountService/",
    "@odata.type": "#AccountService.v1_3_0.AccountService",
    Id: "AccountService",
    Accounts: link("/redfish/v1/AccountService/Accounts/"),
    Name: "Account Service",
    Roles: link("/redfish/v1/AccountService/Roles/"),
    ServiceEnabled: true,
  };
}

export function account(state: IloState, u: IloUser): object {
  const oem = oemOf(state);
  const p = u.privileges;
  return {
    "@odata.context": "/redfish/v1/$metadata#ManagerAccount.ManagerAccount",
    "@odata.id": `/redfish/v1/AccountService/Accounts/${u.id}/`,
    "@odata.type": "#ManagerAccount.v1_1_3.ManagerAccount",
    Id: u.id,
    Description: "iLO User Account",
    Name: "User Account",
    Oem: {
      [oem.key]: {
        "@odata.type": `#${oem.prefix}iLOAccount.v2_2_0.${oem.prefix}iLOAccount`,
        LoginName: u.name,
        Privileges: {
          LoginPriv: true,
          RemoteConsolePriv: p.remoteConsole,
          UserConfigPriv: p.admin,
          VirtualMediaPriv: p.virtualMedia,
          VirtualPowerAndResetPriv: p.resetServer,
          iLOConfigPriv: p.configIlo,
        },
      },
    },
    Password: null,
    RoleId: p.admin && p.configIlo ? "Administrator" : p.remoteConsole ? "Operator" : "ReadOnly",
    UserName: u.login,
  };
}
