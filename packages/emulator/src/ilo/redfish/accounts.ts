/** `AccountService` and its `Accounts`: the iLO users (roles in roles.ts). */
import type { RouteResponse } from "../../common/route-table.js";
import { type IloState, type IloUser, touch } from "../state.js";
import {
  type Ctx,
  checkIfMatch,
  fail,
  needPrivilege,
  onlyKeys,
  parseBody,
  type Resource,
  stringProp,
  success,
} from "./context.js";
import { collection, link, oemOf, V1 } from "./resources.js";

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

function accountById(ctx: Ctx): IloUser {
  for (const u of ctx.state.users.values()) if (u.id === ctx.id) return u;
  return fail(ctx.state, 404, "ResourceMissingAtURI", [ctx.req.path]);
}

function createAccount(ctx: Ctx): RouteResponse {
  const { state } = ctx;
  needPrivilege(ctx, "admin");
  const body = parseBody(ctx);
  const login = body.UserName;
  const password = body.Password;
  if (typeof login !== "string" || login === "") fail(state, 400, "PropertyMissing", ["UserName"]);
  if (typeof password !== "string") fail(state, 400, "PropertyMissing", ["Password"]);
  if (state.users.has(login)) fail(state, 400, "UserAlreadyExist");
  if (password.length < 8 || password.length > 39) fail(state, 400, "InvalidPasswordLength", ["8", "39"]);
  const role = stringProp(ctx, body, "RoleId", ["Administrator", "Operator", "ReadOnly"]) ?? "ReadOnly";
  const ids = [...state.users.values()].map((u) => Number(u.id));
  const user: IloUser = {
    id: String(Math.max(0, ...ids) + 1),
    login,
    name: login,
    password,
    privileges: rolePrivileges(role),
  };
  state.users.set(login, user);
  touch(state);
  return {
    status: 201,
    headers: {
      location: `https://${ctx.req.headers.host ?? "localhost"}/redfish/v1/AccountService/Accounts/${user.id}/`,
    },
    body: account(state, user),
  };
}

/** iLO privileges of the predefined roles (roles.ts). */
function rolePrivileges(role: string): IloUser["privileges"] {
  const admin = role === "Administrator";
  const operator = admin || role === "Operator";
  return { admin, remoteConsole: operator, resetServer: operator, virtualMedia: operator, configIlo: admin };
}

function patchAccount(ctx: Ctx): RouteResponse {
  const { state } = ctx;
  const target = accountById(ctx);
  if (target !== ctx.user) needPrivilege(ctx, "admin");
  const body = parseBody(ctx);
  checkIfMatch(ctx, account(state, target));
  onlyKeys(ctx, body, ["Password", "RoleId"]);
  const password = stringProp(ctx, body, "Password");
  const role = stringProp(ctx, body, "RoleId", ["Administrator", "Operator", "ReadOnly"]);
  if (role !== undefined) needPrivilege(ctx, "admin");
  if (password !== undefined) {
    if (password.length < 8 || password.length > 39) fail(state, 400, "InvalidPasswordLength", ["8", "39"]);
    target.password = password;
  }
  if (role !== undefined) target.privileges = rolePrivileges(role);
  touch(state);
  return success(state);
}

function deleteAccount(ctx: Ctx): RouteResponse {
  const { state } = ctx;
  needPrivilege(ctx, "admin");
  const target = accountById(ctx);
  state.users.delete(target.login);
  for (const [token, s] of state.sessions) if (s.login === target.login) state.sessions.delete(token);
  touch(state);
  return success(state);
}

export function accountResources(state: IloState): Resource[] {
  return [
    { path: `${V1}/accountservice`, get: () => accountService() },
    {
      path: `${V1}/accountservice/accounts`,
      get: () =>
        collection(
          `${V1}/AccountService/Accounts/`,
          "ManagerAccountCollection",
          "Accounts",
          [...state.users.values()].map((u) => `${V1}/AccountService/Accounts/${u.id}/`),
        ),
      post: createAccount,
    },
    {
      path: `${V1}/accountservice/accounts/:id`,
      get: (ctx) => account(state, accountById(ctx)),
      patch: patchAccount,
      delete: deleteAccount,
    },
  ];
}
