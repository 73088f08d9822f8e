/**
 * `SessionService` and its `Sessions`: login (`createSession`, answered before authentication by
 * router.ts), logout and the session list. auth.ts keeps the sessions themselves.
 */
import type { RouteRequest, RouteResponse } from "../../common/route-table.js";
import { logLogin, logLogout } from "../event-log.js";
import { type IloSession, type IloState, touch } from "../state.js";
import { checkPassword, findSessionById, openSession } from "./auth.js";
import { type Ctx, etagOf, fail, parseBody, type Resource, SESSION_BODY_LIMIT, success } from "./context.js";
import { redfishError } from "./errors.js";
import { collection, link, oemOf, V1 } from "./resources.js";

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

export function createSession(state: IloState, req: RouteRequest): RouteResponse {
  const ctx = { state, req, etag: etagOf } as Ctx;
  const body = parseBody(ctx, SESSION_BODY_LIMIT);
  const login = body.UserName;
  const password = body.Password;
  if (typeof login !== "string" || typeof password !== "string") {
    fail(state, 400, "PropertyMissing", [typeof login !== "string" ? "UserName" : "Password"]);
  }
  const user = checkPassword(state, login, password);
  if (!user) {
    logLogin(state, "Browser", null, req.remote?.address);
    fail(state, 401, "UnauthorizedLoginAttempt");
  }
  const s = openSession(state, user);
  if (!s) fail(state, 403, "SessionLimitExceeded");
  logLogin(state, "Browser", user.login, req.remote?.address);
  const host = req.headers.host ?? "localhost";
  const location = `https://${host}/redfish/v1/SessionService/Sessions/${s.id}/`;
  const body201 =
    state.generation === "ilo4"
      ? redfishError(state.generation, 201, "Created").body
      : session(state, s, true);
  return {
    status: 201,
    headers: {
      "x-auth-token": s.token,
      location,
      link: `</redfish/v1/SessionService/Sessions/${s.id}/>; rel=self`,
    },
    body: body201,
  };
}

function deleteSession(ctx: Ctx): RouteResponse {
  const { state } = ctx;
  const s = findSessionById(state, ctx.id);
  if (!s) fail(state, 404, "ResourceMissingAtURI", [ctx.req.path]);
  if (s.login !== ctx.user.login && !ctx.user.privileges.admin) fail(state, 403, "InsufficientPrivilege");
  state.sessions.delete(s.token);
  logLogout(state, "Browser", s.login, ctx.req.remote?.address);
  touch(state);
  return success(state);
}

export function sessionResources(state: IloState): Resource[] {
  return [
    { path: `${V1}/sessionservice`, get: () => sessionService(state) },
    {
      path: `${V1}/sessionservice/sessions`,
      get: () =>
        collection(
          `${V1}/SessionService/Sessions/`,
          "SessionCollection",
          "Sessions",
          [...state.sessions.values()].map((s) => `${V1}/SessionService/Sessions/${s.id}/`),
        ),
    },
    {
      path: `${V1}/sessionservice/sessions/:id`,
      get: (ctx) => {
        const s = findSessionById(state, ctx.id);
        if (!s) return fail(state, 404, "ResourceMissingAtURI", [ctx.req.path]);
        return session(state, s, s === ctx.session);
      },
      delete: deleteSession,
    },
  ];
}
