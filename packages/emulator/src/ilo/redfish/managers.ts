/** `Managers/1`: the iLO itself and its `#Manager.Reset` (virtual media in virtual-media.ts). */
import type { RouteResponse } from "../../common/route-table.js";
import { resetIlo } from "../ilo-reset.js";
import type { IloState } from "../state.js";
import { type Ctx, needPrivilege, parseBody, type Resource, success } from "./context.js";
import { collection, firmwareString, link, managerType, oemOf, V1 } from "./resources.js";

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

/** `#Manager.Reset`: the iLO restarts (every session ends); the host keeps running. */
function managerResetAction(ctx: Ctx): RouteResponse {
  parseBody(ctx);
  needPrivilege(ctx, "configIlo");
  resetIlo(ctx.state, ctx.user.login);
  return success(ctx.state);
}

export function managerResources(state: IloState): Resource[] {
  return [
    {
      path: `${V1}/managers`,
      get: () => collection(`${V1}/Managers/`, "ManagerCollection", "Managers", [`${V1}/Managers/1/`]),
    },
    { path: `${V1}/managers/1`, get: () => manager(state) },
    { path: `${V1}/managers/1/actions/manager.reset`, post: managerResetAction },
  ];
}
