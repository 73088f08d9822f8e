/**
 * `AccountService/Roles/` with Redfish's predefined roles (DSP0266 "Roles": Administrator,
 * Operator, ReadOnly with their assigned privileges), the roles `ManagerAccount.RoleId` names. HPE's
 * "Adapting from iLO 4" lists role-based local user administration as an iLO 5 addition; the iLO 4
 * flavour serves the collection too, so that DMTF's Redfish Protocol Validator (which stops without
 * it) runs to the end there as well — a known difference from a real iLO 4, written in the README.
 */

import type { IloState } from "../state.js";
import { fail, type Resource } from "./context.js";
import { collection, oemOf } from "./resources.js";

export const ROLES = "/redfish/v1/AccountService/Roles/";

/** Each role's privileges (DSP0266) and the iLO privileges it carries (iLO 5 `OemPrivileges`). */
const PREDEFINED: Record<string, { assigned: string[]; oem: string[] }> = {
  Administrator: {
    assigned: ["Login", "ConfigureManager", "ConfigureUsers", "ConfigureSelf", "ConfigureComponents"],
    oem: ["RemoteConsolePriv", "VirtualMediaPriv", "VirtualPowerAndResetPriv", "HostBIOSConfigPriv"],
  },
  Operator: {
    assigned: ["Login", "ConfigureSelf", "ConfigureComponents"],
    oem: ["RemoteConsolePriv", "VirtualMediaPriv", "VirtualPowerAndResetPriv"],
  },
  ReadOnly: { assigned: ["Login", "ConfigureSelf"], oem: [] },
};

function role(state: IloState, id: string): object {
  const entry = Object.entries(PREDEFINED).find(([name]) => name.toLowerCase() === id.toLowerCase());
  if (!entry) return fail(state, 404, "ResourceMissingAtURI", [`${ROLES}${id}/`]);
  const [name, privileges] = entry;
  return {
    "@odata.context": "/redfish/v1/$metadata#Role.Role",
    "@odata.id": `${ROLES}${name}/`,
    "@odata.type": "#Role.v1_2_1.Role",
    Id: name,
    AssignedPrivileges: privileges.assigned,
    Description: `${oemOf(state).key === "Hp" ? "HP" : "HPE"} iLO ${name} role`,
    IsPredefined: true,
    Name: "User Role",
    OemPrivileges: privileges.oem,
    RoleId: name,
  };
}

export function roleResources(state: IloState): Resource[] {
  return [
    {
      path: "/redfish/v1/accountservice/roles",
      get: () =>
        collection(
          ROLES,
          "RoleCollection",
          "Roles",
          Object.keys(PREDEFINED).map((r) => `${ROLES}${r}/`),
        ),
    },
    { path: "/redfish/v1/accountservice/roles/:id", get: (ctx) => role(state, ctx.id) },
  ];
}
