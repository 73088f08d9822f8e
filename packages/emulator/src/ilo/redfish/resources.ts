import type { IloState } from "../state.js";

/**
 * What the Redfish resource files (systems.ts, managers.ts, chassis.ts, …) build their bodies
 * with: the OEM names, links, collections, health and the service root. Bodies are shaped after
 * the iLO 5 1.45 dump (samples/redfish) and renamed for iLO 4 (`Oem.Hp`, `#Hp…` types) as
 * samples/redfish/README.md describes. Every `@odata.id` ends with `/`.
 */

/** Route paths are lower case without the trailing slash (router.ts normalises requests so). */
export const V1 = "/redfish/v1";

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

/** HPE SmartStorage (iLO 4, 5) and DMTF Storage (iLO 5) of Systems/1; bodies in storage.ts. */
export const SMART_STORAGE = "/redfish/v1/Systems/1/SmartStorage/";
export const STORAGE = "/redfish/v1/Systems/1/Storage/";

/** Whether this flavour serves the DMTF `Storage` tree (iLO 5) next to SmartStorage. */
export const hasDmtfStorage = (state: IloState) => state.generation === "ilo5";

export function managerType(state: IloState): string {
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
