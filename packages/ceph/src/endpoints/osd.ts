import { z } from "zod";
import type { CallContext, CephCallOptions } from "../context.js";
import type { Endpoint } from "../endpoint.js";
import { Osd, OsdDetail, OsdFlags, type OsdMarkAction, OsdSettings, SafeToDestroy } from "../schemas/osd.js";

export const osdEndpoints = {
  list: { method: "GET", path: "/api/osd", version: "1.0", response: z.array(Osd) },
  get: { method: "GET", path: "/api/osd/{svc_id}", version: "1.0", response: OsdDetail },
  mark: { method: "PUT", path: "/api/osd/{svc_id}/mark", version: "1.0", response: undefined },
  scrub: { method: "POST", path: "/api/osd/{svc_id}/scrub", version: "1.0", response: undefined },
  reweight: { method: "POST", path: "/api/osd/{svc_id}/reweight", version: "1.0", response: undefined },
  flags: { method: "GET", path: "/api/osd/flags", version: "1.0", response: OsdFlags },
  setFlags: { method: "PUT", path: "/api/osd/flags", version: "1.0", response: OsdFlags },
  settings: { method: "GET", path: "/api/osd/settings", version: "0.1", response: OsdSettings },
  safeToDestroy: { method: "GET", path: "/api/osd/safe_to_destroy", version: "1.0", response: SafeToDestroy },
} as const satisfies Record<string, Endpoint>;

export function osdsResource({ call }: CallContext) {
  return {
    /** `GET /api/osd`: every OSD with its state, CRUSH node, host and usage. */
    list: (options?: CephCallOptions) => call(osdEndpoints.list, {}, options),
    /** `GET /api/osd/{id}`. Pacific answers 500 for an unknown id. */
    get: (id: number, options?: CephCallOptions) => call(osdEndpoints.get, { path: { svc_id: id } }, options),
    /** `PUT /api/osd/{id}/mark`: mark an OSD in, out, down or lost. */
    mark: (id: number, action: OsdMarkAction, options?: CephCallOptions) =>
      call(osdEndpoints.mark, { path: { svc_id: id }, body: { action } }, options),
    /** `POST /api/osd/{id}/scrub` (`deep` for a deep scrub). */
    scrub: (id: number, deep = false, options?: CephCallOptions) =>
      call(osdEndpoints.scrub, { path: { svc_id: id }, body: { deep } }, options),
    /** `POST /api/osd/{id}/reweight` (0..1). */
    reweight: (id: number, weight: number, options?: CephCallOptions) =>
      call(osdEndpoints.reweight, { path: { svc_id: id }, body: { weight } }, options),
    /** `GET /api/osd/flags`: cluster-wide osdmap flags (noout, noscrub, …). */
    flags: (options?: CephCallOptions) => call(osdEndpoints.flags, {}, options),
    /** `PUT /api/osd/flags`: replaces the whole flag set; resolves with the new set. */
    setFlags: (flags: readonly string[], options?: CephCallOptions) =>
      call(osdEndpoints.setFlags, { body: { flags } }, options),
    /** `GET /api/osd/settings` (v0.1): nearfull and full ratios. */
    settings: (options?: CephCallOptions) => call(osdEndpoints.settings, {}, options),
    /** `GET /api/osd/safe_to_destroy?ids=`. */
    safeToDestroy: (ids: readonly number[], options?: CephCallOptions) =>
      call(osdEndpoints.safeToDestroy, { query: { ids: ids.map(String) } }, options),
  };
}
