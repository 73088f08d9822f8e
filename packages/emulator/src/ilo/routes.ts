import { type Route, type RouteResponse, route } from "../common/route-table.js";
import { REDFISH_BODY_LIMIT } from "./redfish/context.js";
import { createRedfishHandler } from "./redfish/router.js";
import { answerRibcl } from "./ribcl-handler.js";
import type { IloState } from "./state.js";
import { xmldataDocument } from "./xmldata.js";

const encoder = new TextEncoder();

/**
 * Largest RIBCL script accepted (larger → 413). A script is a login and a few commands (a few
 * hundred bytes; python-hpilo's batched calls a few KiB); firmware images go to another path.
 */
export const RIBCL_BODY_LIMIT = 256 * 1024;
/** iLO 3 writes its chunked bodies in pieces of about 0x1e2 bytes that split XML anywhere. */
const RIBCL_CHUNK = 0x1e2;

async function* inChunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

/**
 * The RIBCL answer as iLO 3 frames it: exactly `HTTP/1.1 200 OK`, RomPager headers in their order,
 * `Transfer-Encoding: chunked` (python-hpilo raises KeyError without it) and the connection closed
 * after the body (python-hpilo reads until EOF and never looks at a length).
 */
function ribclResponse(body: string): RouteResponse {
  return {
    status: 200,
    statusText: "OK",
    rawHeaders: [
      ["Content-Type", "text/xml"],
      ["Date", new Date().toUTCString()],
      ["Cache-Control", "no-cache"],
      ["Expires", "Thu, 26 Oct 1995 00:00:00 GMT"],
      ["Server", "Allegro-Software-RomPager/4.62"],
    ],
    framing: "chunked",
    keepAlive: false,
    body: inChunks(encoder.encode(body), RIBCL_CHUNK),
  };
}

function notFound(): RouteResponse {
  return {
    status: 404,
    headers: { "content-type": "text/html" },
    body: "<html><head><title>404 Not Found</title></head><body>Not Found</body></html>",
  };
}

/**
 * The route table of one emulated iLO over its state: `POST /ribcl`, `GET /xmldata?item=all`, and
 * for iLO 4/5 `/redfish/*` (iLO 3 answers 404 there, as the real one has no REST API).
 */
export function createIloRoutes(state: IloState): Route[] {
  const routes: Route[] = [
    route("POST", "/ribcl", (req) => ribclResponse(answerRibcl(state, req.text(), req.remote?.address)), {
      bodyLimit: RIBCL_BODY_LIMIT,
    }),
    route("GET", "/xmldata", (req) =>
      req.query.item?.toLowerCase() === "all"
        ? { headers: { "content-type": "text/xml" }, body: xmldataDocument(state) }
        : notFound(),
    ),
  ];
  if (state.generation === "ilo3") {
    // Answered from the path alone: a body sent there is never read.
    const absent = { beforeBody: notFound };
    routes.push(route("ALL", "/redfish", notFound, absent), route("ALL", "/redfish/*", notFound, absent));
    routes.push(route("ALL", "/rest/*", notFound, absent));
  } else {
    const redfish = createRedfishHandler(state);
    const options = { bodyLimit: REDFISH_BODY_LIMIT, bodyType: "json" } as const;
    routes.push(route("ALL", "/redfish", redfish, options), route("ALL", "/redfish/*", redfish, options));
  }
  return routes;
}
