/**
 * The iLO's Redfish service: one handler behind the `/redfish` and `/redfish/*` routes (routes.ts)
 * that normalises the path as iLO does, answers the open documents and the login, authenticates,
 * and dispatches to the resources of systems.ts, managers.ts, chassis.ts, virtual-media.ts,
 * sessions.ts, accounts.ts, logs.ts, firmware.ts and roles.ts, matched by the emulator's shared
 * router (common/router.ts).
 */

import type { RouteRequest, RouteResponse } from "../../common/route-table.js";
import { type CompiledRoutes, compileRoutes } from "../../common/router.js";
import type { IloState } from "../state.js";
import { accountResources } from "./accounts.js";
import { authenticate } from "./auth.js";
import { chassisResources } from "./chassis.js";
import { type Ctx, etagOf, Reply, type Resource } from "./context.js";
import { redfishError } from "./errors.js";
import { firmwareResources } from "./firmware.js";
import { logResources } from "./logs.js";
import { managerResources } from "./managers.js";
import { metadataDocument, odataServiceDocument } from "./odata.js";
import { serviceRoot, V1 } from "./resources.js";
import { roleResources } from "./roles.js";
import { createSession, sessionResources } from "./sessions.js";
import { systemResources } from "./systems.js";
import { virtualMediaResources } from "./virtual-media.js";

function resources(state: IloState): Resource[] {
  return [
    // GET and HEAD of the root are answered before authentication; other methods get 405 here.
    { path: V1, get: () => serviceRoot(state) },
    ...systemResources(state),
    ...managerResources(state),
    ...virtualMediaResources(state),
    ...chassisResources(state),
    ...sessionResources(state),
    ...accountResources(state),
    ...logResources(state),
    ...firmwareResources(state),
    ...roleResources(state),
  ];
}

/**
 * iLO matches paths case-insensitively, percent-decoded, with repeated slashes folded and with or
 * without the trailing slash (real iLO links mix `Systems/1/` and `systems/1/bios/`).
 */
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

/** A resource as a route of the shared router (by its index in the BMC's table): every method reaches it. */
interface Entry {
  method: "ALL";
  path: string;
  index: number;
}

/**
 * Compiled routers by the list of resource paths: every BMC of a generation has the same paths,
 * and compiling a router (find-my-way builds its matcher with `new Function`) is what costs, so a
 * fleet of 1,000 iLOs compiles a handful, not 1,000.
 */
const compiledByPaths = new Map<string, CompiledRoutes<Entry>>();

function compile(table: Resource[]) {
  const key = table.map((resource) => resource.path).join("\n");
  let router = compiledByPaths.get(key);
  if (router === undefined) {
    router = compileRoutes(
      table.map((resource, index): Entry => ({ method: "ALL", path: resource.path, index })),
    );
    compiledByPaths.set(key, router);
  }
  const compiled = router;
  return (path: string): { resource: Resource; id: string } | null => {
    // The normalised path is decoded: each segment is encoded again for the router, which decodes
    // the `:id` it hands back.
    const found = compiled.match("GET", path.split("/").map(encodeURIComponent).join("/"));
    return found.kind === "found" ? { resource: table[found.route.index]!, id: found.params.id ?? "" } : null;
  };
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

/** One handler for every `/redfish/...` request of an iLO 4/5. */
export function createRedfishHandler(state: IloState): (req: RouteRequest) => RouteResponse {
  const match = compile(resources(state));
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
      return finish(handle(state, match, req, etagFor));
    } catch (e) {
      if (e instanceof Reply) return finish(e.response);
      throw e;
    }
  };
}

function handle(
  state: IloState,
  match: (path: string) => { resource: Resource; id: string } | null,
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
  const found = match(path);
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
