import type { RouteRequest, RouteResponse } from "../common/routes.js";
import { logLogin, logLogout } from "./event-log.js";
import { resetIlo } from "./ilo-reset.js";
import { forceOff, powerOn, powerState, pressButton, reset } from "./power.js";
import {
  boolProp,
  type Ctx,
  checkIfMatch,
  etagOf,
  fail,
  type Json,
  needPrivilege,
  onlyKeys,
  parseBody,
  Reply,
  type Resource,
  SESSION_BODY_LIMIT,
  stringProp,
  success,
} from "./redfish-context.js";
import { redfishError } from "./redfish-errors.js";
import { firmwareResources } from "./redfish-firmware.js";
import { logResources } from "./redfish-logs.js";
import { metadataDocument, odataServiceDocument } from "./redfish-odata.js";
import {
  account,
  accountService,
  BOOT_TARGETS,
  chassis,
  collection,
  hasDmtfStorage,
  manager,
  oemOf,
  power,
  RESET_TYPES,
  serviceRoot,
  session,
  sessionService,
  system,
  thermal,
  VM_IDS,
  virtualMedia,
} from "./redfish-resources.js";
import { roleResources } from "./redfish-roles.js";
import { authenticate, checkPassword, findSessionById, openSession } from "./redfish-sessions.js";
import {
  arrayController,
  arrayControllers,
  diskDrive,
  diskDrives,
  drive,
  driveAt,
  smartStorage,
  storage,
  storageCollection,
} from "./redfish-storage.js";
import {
  type BootOverrideEnabled,
  type BootTarget,
  type IloState,
  type IloUser,
  touch,
  type VirtualMediaDevice,
} from "./state.js";

export { etagOf } from "./redfish-context.js";

const TARGET_TO_RIBCL: Partial<Record<BootTarget, string>> = {
  Cd: "CDROM",
  Floppy: "FLOPPY",
  Usb: "USB",
  Hdd: "HDD",
  Pxe: "NETWORK",
};

function patchSystem(ctx: Ctx): RouteResponse {
  const { state } = ctx;
  const body = parseBody(ctx);
  checkIfMatch(ctx, system(state));
  onlyKeys(ctx, body, ["Boot", "IndicatorLED"]);
  const led = stringProp(ctx, body, "IndicatorLED", ["Lit", "Off", "Blinking"]);
  const boot = body.Boot;
  if (boot !== undefined && (typeof boot !== "object" || boot === null || Array.isArray(boot))) {
    fail(state, 400, "PropertyValueTypeError", [JSON.stringify(boot), "Boot"]);
  }
  let next = state.boot.override;
  if (boot) {
    needPrivilege(ctx, "configIlo");
    const b = boot as Json;
    onlyKeys(
      ctx,
      b,
      [
        "BootSourceOverrideTarget",
        "BootSourceOverrideEnabled",
        "BootSourceOverrideMode",
        "UefiTargetBootSourceOverride",
      ],
      "Boot/",
    );
    const target = stringProp(ctx, b, "BootSourceOverrideTarget", BOOT_TARGETS[state.generation]) as
      | BootTarget
      | undefined;
    const enabled = stringProp(ctx, b, "BootSourceOverrideEnabled", ["Disabled", "Once", "Continuous"]) as
      | BootOverrideEnabled
      | undefined;
    const mode = stringProp(ctx, b, "BootSourceOverrideMode", ["UEFI", "Legacy"]) as
      | "UEFI"
      | "Legacy"
      | undefined;
    next = { ...next };
    if (target !== undefined) next.target = target;
    if (enabled !== undefined) next.enabled = enabled;
    else if (target !== undefined && next.enabled === "Disabled" && target !== "None") next.enabled = "Once";
    if (next.target === "None") next.enabled = "Disabled";
    if (mode !== undefined) next.mode = mode;
  }
  // Validate everything before changing anything.
  if (led !== undefined) state.uid = led === "Off" ? "Off" : "On";
  if (boot) {
    state.boot.override = next;
    const ribcl = TARGET_TO_RIBCL[next.target];
    if (next.enabled === "Continuous" && ribcl) {
      state.boot.persistentOrder = [ribcl, ...state.boot.persistentOrder.filter((d) => d !== ribcl)];
    }
  }
  touch(state);
  return success(state);
}

function resetAction(ctx: Ctx): RouteResponse {
  const { state } = ctx;
  const body = parseBody(ctx);
  needPrivilege(ctx, "resetServer");
  const type = body.ResetType;
  if (type === undefined) fail(state, 400, "ActionParameterMissing", ["#ComputerSystem.Reset", "ResetType"]);
  if (typeof type !== "string" || !(RESET_TYPES as readonly string[]).includes(type)) {
    fail(state, 400, "ActionParameterValueNotInList", [String(type), "ResetType"]);
  }
  const outcome =
    type === "On"
      ? powerOn(state)
      : type === "ForceOff"
        ? forceOff(state)
        : type === "PushPowerButton"
          ? pressButton(state)
          : type === "ForceRestart"
            ? reset(state, "warm")
            : powerState(state) === "Off"
              ? "refused-while-off"
              : "ok"; // Nmi
  if (outcome === "refused-while-off") fail(state, 400, "InvalidOperationForSystemState", ["Power is off"]);
  return success(state);
}

function powerButtonAction(ctx: Ctx): RouteResponse {
  const { state } = ctx;
  const body = parseBody(ctx);
  needPrivilege(ctx, "resetServer");
  const push = body.PushType;
  if (push === undefined) fail(state, 400, "ActionParameterMissing", ["PowerButton", "PushType"]);
  if (push === "Press") pressButton(state);
  else if (push === "PressAndHold") forceOff(state);
  else fail(state, 400, "ActionParameterValueNotInList", [String(push), "PushType"]);
  return success(state);
}

function systemResetAction(ctx: Ctx): RouteResponse {
  const { state } = ctx;
  const body = parseBody(ctx);
  needPrivilege(ctx, "resetServer");
  const type = body.ResetType;
  if (type !== "ColdBoot" && type !== "AuxCycle") {
    fail(state, 400, "ActionParameterValueNotInList", [String(type), "ResetType"]);
  }
  reset(state, "cold");
  return success(state);
}

function vmDevice(ctx: Ctx): VirtualMediaDevice {
  const device = VM_IDS[ctx.id];
  if (!device) fail(ctx.state, 404, "ResourceMissingAtURI", [ctx.req.path]);
  return device;
}

const IMAGE_URL = /^(https?|ftp|nfs|smb|cifs):\/\/\S+$/i;

function insertMedia(ctx: Ctx, device: VirtualMediaDevice, image: unknown, action: string): void {
  if (image === undefined || image === null)
    fail(ctx.state, 400, "ActionParameterMissing", [action, "Image"]);
  if (typeof image !== "string" || !IMAGE_URL.test(image)) {
    fail(ctx.state, 400, "ActionParameterValueNotInList", [String(image), "Image"]);
  }
  if (!ctx.state.faults.unreachableImages) ctx.state.virtualMedia[device].image = image;
}

function ejectMedia(ctx: Ctx, device: VirtualMediaDevice): void {
  const vm = ctx.state.virtualMedia[device];
  if (vm.image === null) fail(ctx.state, 400, "NoVirtualMediaConnectionAvailable");
  vm.image = null;
  vm.bootOption = "NO_BOOT";
}

function vmAction(ctx: Ctx, kind: "insert" | "eject"): RouteResponse {
  const device = vmDevice(ctx);
  const body = parseBody(ctx);
  needPrivilege(ctx, "virtualMedia");
  if (kind === "insert") {
    const wp = boolProp(ctx, body, "WriteProtected");
    insertMedia(ctx, device, body.Image, "InsertMedia");
    if (wp !== undefined) ctx.state.virtualMedia[device].writeProtected = wp;
  } else ejectMedia(ctx, device);
  touch(ctx.state);
  return success(ctx.state);
}

function patchVirtualMedia(ctx: Ctx): RouteResponse {
  const { state } = ctx;
  const device = vmDevice(ctx);
  const body = parseBody(ctx);
  needPrivilege(ctx, "virtualMedia");
  checkIfMatch(ctx, virtualMedia(state, ctx.id, device));
  const oem = oemOf(state).key;
  onlyKeys(ctx, body, ["Image", "Inserted", "WriteProtected", "Oem"]);
  const wp = boolProp(ctx, body, "WriteProtected");
  const inserted = boolProp(ctx, body, "Inserted");
  let bootOnNext: boolean | undefined;
  if (body.Oem !== undefined) {
    const o = body.Oem as Json;
    onlyKeys(ctx, o, [oem], "Oem/");
    const inner = (o[oem] ?? {}) as Json;
    onlyKeys(ctx, inner, ["BootOnNextServerReset"], `Oem/${oem}/`);
    bootOnNext = boolProp(ctx, inner, "BootOnNextServerReset");
  }
  if ("Image" in body) {
    if (body.Image === null || body.Image === "") ejectMedia(ctx, device);
    else insertMedia(ctx, device, body.Image, "PATCH");
  } else if (inserted === false && state.virtualMedia[device].image !== null) ejectMedia(ctx, device);
  const vm = state.virtualMedia[device];
  if (wp !== undefined) vm.writeProtected = wp;
  if (bootOnNext !== undefined) {
    if (bootOnNext && vm.image === null) fail(state, 400, "NoVirtualMediaConnectionAvailable");
    vm.bootOption = bootOnNext ? "BOOT_ONCE" : "NO_BOOT";
  }
  touch(state);
  return success(state);
}

function createSession(state: IloState, req: RouteRequest): RouteResponse {
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

/** `#Manager.Reset`: the iLO restarts (every session ends); the host keeps running. */
function managerResetAction(ctx: Ctx): RouteResponse {
  parseBody(ctx);
  needPrivilege(ctx, "configIlo");
  resetIlo(ctx.state, ctx.user.login);
  return success(ctx.state);
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

/** iLO privileges of the predefined roles (redfish-roles.ts). */
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

const V1 = "/redfish/v1";

function resources(state: IloState): Resource[] {
  const oem = oemOf(state);
  const oemVm = `${V1}/managers/1/virtualmedia/{id}/actions/oem/${oem.key.toLowerCase()}/${oem.prefix.toLowerCase()}ilovirtualmedia`;
  const oemSys = `${V1}/systems/1/actions/oem/${oem.key.toLowerCase()}/${oem.prefix.toLowerCase()}computersystemext`;
  const table: Resource[] = [
    // GET and HEAD of the root are answered before authentication; other methods get 405 here.
    { path: V1, get: () => serviceRoot(state) },
    {
      path: `${V1}/systems`,
      get: () =>
        collection(`${V1}/Systems/`, "ComputerSystemCollection", "Computer Systems", [`${V1}/Systems/1/`]),
    },
    { path: `${V1}/systems/1`, get: () => system(state), patch: patchSystem },
    { path: `${V1}/systems/1/actions/computersystem.reset`, post: resetAction },
    { path: `${oemSys}.powerbutton`, post: powerButtonAction },
    { path: `${oemSys}.systemreset`, post: systemResetAction },
    {
      path: `${V1}/managers`,
      get: () => collection(`${V1}/Managers/`, "ManagerCollection", "Managers", [`${V1}/Managers/1/`]),
    },
    { path: `${V1}/managers/1`, get: () => manager(state) },
    { path: `${V1}/managers/1/actions/manager.reset`, post: managerResetAction },
    {
      path: `${V1}/managers/1/virtualmedia`,
      get: () =>
        collection(`${V1}/Managers/1/VirtualMedia/`, "VirtualMediaCollection", "Virtual Media Services", [
          `${V1}/Managers/1/VirtualMedia/1/`,
          `${V1}/Managers/1/VirtualMedia/2/`,
        ]),
    },
    {
      path: `${V1}/managers/1/virtualmedia/{id}`,
      get: (ctx) => virtualMedia(state, ctx.id, vmDevice(ctx)),
      patch: patchVirtualMedia,
    },
    { path: `${oemVm}.insertvirtualmedia`, post: (ctx) => vmAction(ctx, "insert") },
    { path: `${oemVm}.ejectvirtualmedia`, post: (ctx) => vmAction(ctx, "eject") },
    {
      path: `${V1}/chassis`,
      get: () => collection(`${V1}/Chassis/`, "ChassisCollection", "Chassis", [`${V1}/Chassis/1/`]),
    },
    { path: `${V1}/chassis/1`, get: () => chassis(state) },
    { path: `${V1}/chassis/1/thermal`, get: () => thermal(state) },
    { path: `${V1}/chassis/1/power`, get: () => power(state) },
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
      path: `${V1}/sessionservice/sessions/{id}`,
      get: (ctx) => {
        const s = findSessionById(state, ctx.id);
        if (!s) return fail(state, 404, "ResourceMissingAtURI", [ctx.req.path]);
        return session(state, s, s === ctx.session);
      },
      delete: deleteSession,
    },
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
      path: `${V1}/accountservice/accounts/{id}`,
      get: (ctx) => account(state, accountById(ctx)),
      patch: patchAccount,
      delete: deleteAccount,
    },
  ];
  const smart = `${V1}/systems/1/smartstorage`;
  const controller = `${smart}/arraycontrollers/0`;
  const driveOf = (ctx: Ctx) =>
    driveAt(state, ctx.id) ?? fail(state, 404, "ResourceMissingAtURI", [ctx.req.path]);
  table.push(
    { path: smart, get: () => smartStorage(state) },
    { path: `${smart}/arraycontrollers`, get: () => arrayControllers(state) },
    { path: controller, get: () => arrayController(state) },
    { path: `${controller}/diskdrives`, get: () => diskDrives(state) },
    { path: `${controller}/diskdrives/{id}`, get: (ctx) => diskDrive(state, ctx.id, driveOf(ctx)) },
  );
  if (hasDmtfStorage(state)) {
    const member = `${V1}/systems/1/storage/da000000`;
    table.push(
      { path: `${V1}/systems/1/storage`, get: () => storageCollection() },
      { path: member, get: () => storage(state) },
      { path: `${member}/drives/{id}`, get: (ctx) => drive(ctx.id, driveOf(ctx)) },
    );
  }
  table.push(...logResources(state), ...firmwareResources(state), ...roleResources(state));
  if (state.generation !== "ilo4") {
    const vm = `${V1}/managers/1/virtualmedia/{id}/actions/virtualmedia`;
    table.push(
      { path: `${vm}.insertmedia`, post: (ctx) => vmAction(ctx, "insert") },
      { path: `${vm}.ejectmedia`, post: (ctx) => vmAction(ctx, "eject") },
    );
  }
  return table;
}

function normalize(path: string): string {
  let p: string;
  try {
    p = decodeURIComponent(path);
  } catch {
    p = path;
  }
  return (
    p
      .toLowerCase()
      .replace(/\/{2,}/g, "/")
      .replace(/\/+$/, "") || "/"
  );
}

interface Matcher {
  exact: Map<string, Resource>;
  patterns: Array<{ re: RegExp; resource: Resource }>;
}

function compile(table: Resource[]): Matcher {
  const exact = new Map<string, Resource>();
  const patterns: Matcher["patterns"] = [];
  for (const r of table) {
    if (r.path.includes("{id}")) {
      const re = new RegExp(`^${r.path.replace(/[.]/g, "\\.").replace("{id}", "([^/]+)")}$`);
      patterns.push({ re, resource: r });
    } else exact.set(r.path, r);
  }
  return { exact, patterns };
}

function match(m: Matcher, path: string): { resource: Resource; id: string } | null {
  const exact = m.exact.get(path);
  if (exact) return { resource: exact, id: "" };
  for (const { re, resource } of m.patterns) {
    const found = re.exec(path);
    if (found) return { resource, id: found[1]! };
  }
  return null;
}

function allow(r: Resource): string {
  return [r.get && "GET, HEAD", r.patch && "PATCH", r.post && "POST", r.delete && "DELETE"]
    .filter(Boolean)
    .join(", ");
}

const JSON_HEADERS = {
  "content-type": "application/json; charset=utf-8",
  "cache-control": "no-cache",
  "odata-version": "4.0",
  server: "HPE-iLO-Server/1.30",
  "x_hp-chrp-service-version": "1.0.3",
  "x-frame-options": "sameorigin",
};

function finish(response: RouteResponse, extra?: Record<string, string>): RouteResponse {
  return {
    ...response,
    headers: { ...JSON_HEADERS, ...extra, ...(response.headers as Record<string, string> | undefined) },
    framing: "chunked",
  };
}

/**
 * One handler for every `/redfish/...` request of an iLO 4/5: paths are matched case-insensitively
 * with or without the trailing slash (real iLO links mix `Systems/1/` and `systems/1/bios/`).
 */
export function createRedfishHandler(state: IloState): (req: RouteRequest) => RouteResponse {
  const matcher = compile(resources(state));
  // Hashing a body costs more than building it: ETags are kept until the next write (revision).
  const etags = new Map<string, { revision: number; etag: string }>();
  const etagFor = (key: string) => (body: object) => {
    const cached = etags.get(key);
    if (cached?.revision === state.revision) return cached.etag;
    const etag = etagOf(body);
    etags.set(key, { revision: state.revision, etag });
    return etag;
  };
  return (req) => {
    try {
      return finish(handle(state, matcher, req, etagFor));
    } catch (e) {
      if (e instanceof Reply) return finish(e.response);
      throw e;
    }
  };
}

function handle(
  state: IloState,
  matcher: Matcher,
  req: RouteRequest,
  etagFor: (key: string) => (body: object) => string,
): RouteResponse {
  let path = normalize(req.path);
  const method = req.method.toUpperCase();
  const read = method === "GET" || method === "HEAD";
  if (path === "/redfish") return { body: { v1: "/redfish/v1/" } };
  // Open to anyone (DSP0266): the service root and the two OData documents.
  if (path === V1 && read) {
    const response = getBody(state, serviceRoot(state), req, etagFor(path));
    return { ...response, headers: { ...response.headers, allow: "GET, HEAD" } };
  }
  if (path === `${V1}/$metadata` && read) {
    return {
      headers: { "content-type": "application/xml; charset=utf-8" },
      ...(method === "HEAD" ? {} : { body: metadataDocument() }),
    };
  }
  if (path === `${V1}/odata` && read) return method === "HEAD" ? {} : { body: odataServiceDocument(state) };
  // A POST to a collection's Members property is a POST to the collection (DSP0266 "POST (create)").
  if (method === "POST" && path.endsWith("/members")) path = path.slice(0, -"/members".length);
  if (path === `${V1}/sessionservice/sessions` && method === "POST") return createSession(state, req);
  const found = match(matcher, path);
  const auth = authenticate(state, req.headers);
  if (!auth.ok) {
    // Unknown paths answer 401 too before login, as iLO does not reveal its tree. iLO also takes
    // HTTP Basic credentials, which the challenge names (DSP0266 "WWW-Authenticate").
    return {
      ...redfishError(state.generation, 401, "NoValidSession"),
      headers: { "www-authenticate": 'Basic realm="iLO"' },
    };
  }
  if (!found) return redfishError(state.generation, 404, "ResourceMissingAtURI", [req.path]);
  const { resource, id } = found;
  const ctx: Ctx = { state, req, user: auth.user, session: auth.session, id, etag: etagFor(path) };
  switch (method) {
    case "GET":
    case "HEAD":
      if (resource.get) {
        const response = getBody(state, resource.get(ctx), req, ctx.etag);
        return { ...response, headers: { ...response.headers, allow: allow(resource) } };
      }
      break;
    case "PATCH":
      if (resource.patch) return resource.patch(ctx);
      break;
    case "POST":
      if (resource.post) return resource.post(ctx);
      break;
    case "DELETE":
      if (resource.delete) return resource.delete(ctx);
      break;
  }
  return {
    ...redfishError(state.generation, 405, "ActionNotSupported", [method]),
    headers: { allow: allow(resource) },
  };
}

/**
 * A GET or HEAD answer with its ETag (`@odata.etag` too); 304 when `If-None-Match` names the
 * current ETag. iLO 5 adds the `Link: <schema>; rel=describedby` DSP0266 asks for (HPE: "The iLO 5
 * RESTful API is fully conformant with Redfish"); iLO 4's recorded headers have none
 * (samples/redfish/ilo4-2.20-rest-v1-proliantutils/GET-response-headers.json).
 */
function getBody(
  state: IloState,
  body: object,
  req: RouteRequest,
  etagOfBody: (body: object) => string,
): RouteResponse {
  const etag = etagOfBody(body);
  const headers: Record<string, string> = { etag };
  const type = (body as { "@odata.type"?: unknown })["@odata.type"];
  if (state.generation !== "ilo4" && typeof type === "string") {
    const name = type.replace(/^#/, "").split(".")[0];
    headers.link = `</redfish/v1/SchemaStore/en/${name}.json/>; rel=describedby`;
  }
  const ifNoneMatch = req.headers["if-none-match"];
  if (ifNoneMatch !== undefined && req.method.toUpperCase() === "GET") {
    const tags = ifNoneMatch.split(",").map((t) => t.trim().replace(/^W\//, ""));
    if (tags.includes("*") || tags.includes(etag.replace(/^W\//, ""))) return { status: 304, headers };
  }
  if (req.method.toUpperCase() === "HEAD") return { headers };
  (body as Record<string, unknown>)["@odata.etag"] = etag;
  return { headers, body: JSON.stringify(body) };
}
