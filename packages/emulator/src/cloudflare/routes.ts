/**
 * Cloudflare API v4, the part DNS automation uses (cert-manager's DNS01 solver, external-dns,
 * a user's scripts): token verify, zones list and lookup, DNS records list, get, create and
 * delete, under `/client/v4`. Every answer is Cloudflare's envelope
 * `{success, errors: [{code, message}], messages, result}` (lists add `result_info`), and so is
 * every error, with Cloudflare's codes: 9106 (no credentials), 6003/6111 (malformed
 * Authorization), 9109 (unknown token), 1000 (verify of an unknown token), 7003/7000 (bad
 * identifier, no route), 81044 (no such record), 81053/81058 (conflicting or identical record).
 */
import { isIP } from "node:net";
import { type Route, type RouteRequest, type RouteResponse, route } from "../common/route-table.js";
import {
  type CloudflareRecord,
  type CloudflareState,
  type CloudflareToken,
  type CloudflareZone,
  normalizeName,
  RECORD_TYPES,
} from "./state.js";

export const CLOUDFLARE_API_PREFIX = "/client/v4";

interface ApiMessage {
  code: number;
  message: string;
  error_chain?: ApiMessage[];
}

/** A failed call: the HTTP status and Cloudflare's error list. */
class CloudflareApiError extends Error {
  constructor(
    readonly status: number,
    readonly errors: ApiMessage[],
  ) {
    super(errors.map((e) => `${e.code}: ${e.message}`).join("; "));
  }
}

const fail = (status: number, code: number, message: string, chain?: ApiMessage[]): never => {
  throw new CloudflareApiError(status, [{ code, message, ...(chain ? { error_chain: chain } : {}) }]);
};

function envelope(result: unknown, extra: Record<string, unknown> = {}): RouteResponse {
  return { body: { result, success: true, errors: [], messages: [], ...extra } };
}

function errorEnvelope(error: CloudflareApiError): RouteResponse {
  return { status: error.status, body: { success: false, errors: error.errors, messages: [], result: null } };
}

const ID = /^[0-9a-f]{32}$/;
const TOKEN_SYNTAX = /^[A-Za-z0-9_\-.~+/]+=*$/;

function page(request: RouteRequest, defaults: { perPage: number; min: number; max: number }) {
  const number = (text: string | undefined, fallback: number) => {
    const n = Number(text);
    return text !== undefined && Number.isInteger(n) && n > 0 ? n : fallback;
  };
  const perPage = Math.min(
    defaults.max,
    Math.max(defaults.min, number(request.query.per_page, defaults.perPage)),
  );
  return { page: number(request.query.page, 1), perPage };
}

function paged<T>(
  items: T[],
  request: RouteRequest,
  defaults: { perPage: number; min: number; max: number },
) {
  const { page: p, perPage } = page(request, defaults);
  const slice = items.slice((p - 1) * perPage, p * perPage);
  return envelope(slice, {
    result_info: {
      page: p,
      per_page: perPage,
      count: slice.length,
      total_count: items.length,
      total_pages: Math.max(1, Math.ceil(items.length / perPage)),
    },
  });
}

export function zoneJson(state: CloudflareState, zone: CloudflareZone) {
  return {
    id: zone.id,
    name: zone.name,
    status: "active",
    paused: false,
    type: "full",
    development_mode: 0,
    name_servers: ["ada.ns.cloudflare.com", "bob.ns.cloudflare.com"],
    original_name_servers: null,
    original_registrar: null,
    original_dnshost: null,
    created_on: zone.createdOn,
    modified_on: zone.createdOn,
    activated_on: zone.createdOn,
    meta: { step: 4, phishing_detected: false },
    owner: { id: null, type: "user", email: null },
    account: { id: state.account.id, name: state.account.name },
    permissions: ["#dns_records:edit", "#dns_records:read", "#zone:read"],
    plan: { id: "0feeeeeeeeeeeeeeeeeeeeeeeeeeeeee", name: "Free Website", price: 0, currency: "USD" },
  };
}

export function recordJson(zone: CloudflareZone, record: CloudflareRecord) {
  return {
    id: record.id,
    zone_id: zone.id,
    zone_name: zone.name,
    name: record.name,
    type: record.type,
    content: record.content,
    proxiable: ["A", "AAAA", "CNAME"].includes(record.type),
    proxied: record.proxied,
    ttl: record.ttl,
    settings: {},
    meta: {},
    comment: record.comment,
    tags: record.tags,
    created_on: record.createdOn,
    modified_on: record.modifiedOn,
  };
}

/** The token of a request, or the error Cloudflare answers without a valid one. */
function tokenOf(state: CloudflareState, request: RouteRequest, verify = false): CloudflareToken {
  const header = request.headers.authorization;
  if (header === undefined) {
    if (request.headers["x-auth-key"] !== undefined || request.headers["x-auth-email"] !== undefined)
      fail(403, 9103, "Unknown X-Auth-Key or X-Auth-Email");
    fail(400, 9106, "Missing X-Auth-Key, X-Auth-Email or Authorization headers");
  }
  const match = /^Bearer (\S+)$/.exec(header ?? "");
  if (match === null || !TOKEN_SYNTAX.test(match[1] ?? ""))
    fail(400, 6003, "Invalid request headers", [
      { code: 6111, message: "Invalid format for Authorization header" },
    ]);
  const token = state.tokens.get(match?.[1] ?? "");
  if (token === undefined) {
    if (verify) fail(401, 1000, "Invalid API Token");
    fail(403, 9109, "Invalid access token");
  }
  return token as CloudflareToken;
}

function zoneOf(state: CloudflareState, request: RouteRequest, token: CloudflareToken): CloudflareZone {
  const id = request.params.zone_id ?? "";
  if (!ID.test(id))
    fail(
      400,
      7003,
      `Could not route to ${request.path.slice(CLOUDFLARE_API_PREFIX.length)}, perhaps your object identifier is invalid?`,
      [{ code: 7000, message: "No route for that URI" }],
    );
  const zone = state.zones.get(id);
  if (zone === undefined || !state.allows(token, zone))
    fail(403, 9109, "Unauthorized to access requested resource");
  return zone as CloudflareZone;
}

interface RecordInput {
  type?: unknown;
  name?: unknown;
  content?: unknown;
  ttl?: unknown;
  proxied?: unknown;
  comment?: unknown;
  tags?: unknown;
}

function validRecord(state: CloudflareState, zone: CloudflareZone, input: RecordInput) {
  const type = typeof input.type === "string" ? input.type.toUpperCase() : "";
  if (!(RECORD_TYPES as readonly string[]).includes(type)) fail(400, 9020, "Invalid DNS record type");
  if (typeof input.name !== "string" || input.name.trim() === "") fail(400, 9000, "DNS name is invalid.");
  const name = state.qualify(input.name as string, zone);
  if (!/^[a-z0-9_*]([a-z0-9_-]*)(\.[a-z0-9_]([a-z0-9_-]*))*$/.test(name) || name.length > 253)
    fail(400, 9000, "DNS name is invalid.");
  if (typeof input.content !== "string" || input.content === "")
    fail(400, 9000, `Content for ${type} record is invalid.`);
  const content = input.content as string;
  if (type === "A" && isIP(content) !== 4)
    fail(400, 9005, "Content for A record must be a valid IPv4 address.");
  if (type === "AAAA" && isIP(content) !== 6)
    fail(400, 9006, "Content for AAAA record must be a valid IPv6 address.");
  if (type === "TXT" && content.length > 2048) fail(400, 9000, "Content for TXT record is invalid.");
  const ttl = input.ttl === undefined ? 1 : input.ttl;
  if (typeof ttl !== "number" || !Number.isInteger(ttl) || (ttl !== 1 && (ttl < 60 || ttl > 86_400)))
    fail(400, 9021, "Invalid TTL. Must be between 60 and 86400 seconds, or 1 for Automatic.");
  const proxied = input.proxied === true;
  if (proxied && !["A", "AAAA", "CNAME"].includes(type))
    fail(400, 9004, "This record type cannot be proxied.");
  const comment = typeof input.comment === "string" ? input.comment : null;
  const tags = Array.isArray(input.tags) ? input.tags.filter((t): t is string => typeof t === "string") : [];
  const others = state.recordsOf(zone.id).filter((r) => r.name === name);
  if (others.some((r) => r.type === type && r.content === content))
    fail(400, 81058, "An identical record already exists.");
  const addressLike = ["A", "AAAA", "CNAME"];
  if (
    (type === "CNAME" && others.some((r) => addressLike.includes(r.type))) ||
    (addressLike.includes(type) && others.some((r) => r.type === "CNAME"))
  )
    fail(400, 81053, "An A, AAAA, or CNAME record with that host already exists.");
  return { zoneId: zone.id, name, type, content, ttl: ttl as number, proxied, comment, tags };
}

/** Wraps a handler so that API errors become Cloudflare's envelope. */
const api =
  (handler: (request: RouteRequest) => RouteResponse) =>
  (request: RouteRequest): RouteResponse => {
    try {
      return handler(request);
    } catch (error) {
      if (error instanceof CloudflareApiError) return errorEnvelope(error);
      throw error;
    }
  };

export function createCloudflareRoutes(state: CloudflareState): Route[] {
  const p = CLOUDFLARE_API_PREFIX;
  const recordsOf = (request: RouteRequest) => {
    const token = tokenOf(state, request);
    const zone = zoneOf(state, request, token);
    return { zone, token };
  };
  return [
    route(
      "GET",
      `${p}/user/tokens/verify`,
      api((request) => {
        const token = tokenOf(state, request, true);
        return envelope(
          { id: token.id, status: "active" },
          { messages: [{ code: 10000, message: "This API Token is valid and active", type: null }] },
        );
      }),
    ),
    route(
      "GET",
      `${p}/zones`,
      api((request) => {
        const token = tokenOf(state, request);
        const name = request.query.name === undefined ? undefined : normalizeName(request.query.name);
        const status = request.query.status;
        const zones = [...state.zones.values()]
          .filter((z) => state.allows(token, z))
          .filter((z) => name === undefined || z.name === name)
          .filter(() => status === undefined || status === "active")
          .sort((a, b) => a.name.localeCompare(b.name));
        return paged(
          zones.map((z) => zoneJson(state, z)),
          request,
          { perPage: 20, min: 5, max: 50 },
        );
      }),
    ),
    route(
      "GET",
      `${p}/zones/:zone_id`,
      api((request) => {
        const { zone } = recordsOf(request);
        return envelope(zoneJson(state, zone));
      }),
    ),
    route(
      "GET",
      `${p}/zones/:zone_id/dns_records`,
      api((request) => {
        const { zone } = recordsOf(request);
        const q = request.query;
        const type = q.type?.toUpperCase();
        const name = q.name === undefined ? undefined : state.qualify(q.name, zone);
        const records = state
          .recordsOf(zone.id)
          .filter((r) => type === undefined || r.type === type)
          .filter((r) => name === undefined || r.name === name)
          .filter((r) => q.content === undefined || r.content === q.content)
          .sort((a, b) => a.name.localeCompare(b.name) || a.type.localeCompare(b.type));
        return paged(
          records.map((r) => recordJson(zone, r)),
          request,
          { perPage: 100, min: 5, max: 5_000_000 },
        );
      }),
    ),
    route(
      "POST",
      `${p}/zones/:zone_id/dns_records`,
      api((request) => {
        const { zone } = recordsOf(request);
        let input: unknown;
        try {
          input = JSON.parse(request.text());
        } catch {
          fail(400, 9207, "Request body is invalid.");
        }
        if (input === null || typeof input !== "object" || Array.isArray(input))
          fail(400, 9207, "Request body is invalid.");
        const record = state.addRecord(validRecord(state, zone, input as RecordInput));
        return envelope(recordJson(zone, record));
      }),
      { bodyLimit: 64 * 1024 },
    ),
    route(
      "GET",
      `${p}/zones/:zone_id/dns_records/:record_id`,
      api((request) => {
        const { zone } = recordsOf(request);
        const record = state.records.get(request.params.record_id ?? "");
        if (record === undefined || record.zoneId !== zone.id) fail(404, 81044, "Record does not exist.");
        return envelope(recordJson(zone, record as CloudflareRecord));
      }),
    ),
    route(
      "DELETE",
      `${p}/zones/:zone_id/dns_records/:record_id`,
      api((request) => {
        const { zone } = recordsOf(request);
        const id = request.params.record_id ?? "";
        const record = state.records.get(id);
        if (record === undefined || record.zoneId !== zone.id) fail(404, 81044, "Record does not exist.");
        state.records.delete(id);
        return envelope({ id });
      }),
    ),
    route(
      "ALL",
      "/*",
      api(() => fail(404, 7000, "No route for that URI")),
    ),
  ];
}
