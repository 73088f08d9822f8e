import { z } from "zod";
import type { CallContext, CephCallOptions } from "../context.js";
import type { Endpoint } from "../endpoint.js";
import { ConfigOption, CrushRule, ErasureCodeProfile, MgrModule } from "../schemas/cluster.js";

export const clusterEndpoints = {
  ecProfiles: {
    method: "GET",
    path: "/api/erasure_code_profile",
    version: "1.0",
    response: z.array(ErasureCodeProfile),
  },
  ecProfile: {
    method: "GET",
    path: "/api/erasure_code_profile/{name}",
    version: "1.0",
    response: ErasureCodeProfile,
  },
  createEcProfile: { method: "POST", path: "/api/erasure_code_profile", version: "1.0", response: undefined },
  deleteEcProfile: {
    method: "DELETE",
    path: "/api/erasure_code_profile/{name}",
    version: "1.0",
    response: undefined,
  },
  crushRules: { method: "GET", path: "/api/crush_rule", version: "1.0", response: z.array(CrushRule) },
  crushRule: { method: "GET", path: "/api/crush_rule/{name}", version: "1.0", response: CrushRule },
  mgrModules: { method: "GET", path: "/api/mgr/module", version: "1.0", response: z.array(MgrModule) },
  enableMgrModule: {
    method: "POST",
    path: "/api/mgr/module/{module_name}/enable",
    version: "1.0",
    response: undefined,
  },
  disableMgrModule: {
    method: "POST",
    path: "/api/mgr/module/{module_name}/disable",
    version: "1.0",
    response: undefined,
  },
  config: { method: "GET", path: "/api/cluster_conf", version: "1.0", response: z.array(ConfigOption) },
  configOption: { method: "GET", path: "/api/cluster_conf/{name}", version: "1.0", response: ConfigOption },
  configFilter: {
    method: "GET",
    path: "/api/cluster_conf/filter",
    version: "1.0",
    response: z.array(ConfigOption),
  },
  setConfig: { method: "POST", path: "/api/cluster_conf", version: "1.0", response: undefined },
  deleteConfig: { method: "DELETE", path: "/api/cluster_conf/{name}", version: "1.0", response: undefined },
} as const satisfies Record<string, Endpoint>;

export function erasureCodeProfilesResource({ call }: CallContext) {
  return {
    list: (options?: CephCallOptions) => call(clusterEndpoints.ecProfiles, {}, options),
    get: (name: string, options?: CephCallOptions) =>
      call(clusterEndpoints.ecProfile, { path: { name } }, options),
    /** `{name, k, m, plugin?, technique?, crush-failure-domain?, …}` as strings or numbers. */
    create: (profile: { name: string } & Record<string, string | number>, options?: CephCallOptions) =>
      call(clusterEndpoints.createEcProfile, { body: profile }, options),
    delete: (name: string, options?: CephCallOptions) =>
      call(clusterEndpoints.deleteEcProfile, { path: { name } }, options),
  };
}

export function crushRulesResource({ call }: CallContext) {
  return {
    list: (options?: CephCallOptions) => call(clusterEndpoints.crushRules, {}, options),
    get: (name: string, options?: CephCallOptions) =>
      call(clusterEndpoints.crushRule, { path: { name } }, options),
  };
}

export function mgrModulesResource({ call }: CallContext) {
  return {
    list: (options?: CephCallOptions) => call(clusterEndpoints.mgrModules, {}, options),
    enable: (name: string, options?: CephCallOptions) =>
      call(clusterEndpoints.enableMgrModule, { path: { module_name: name }, body: {} }, options),
    disable: (name: string, options?: CephCallOptions) =>
      call(clusterEndpoints.disableMgrModule, { path: { module_name: name }, body: {} }, options),
  };
}

export type ConfigSection = "global" | "mon" | "mgr" | "osd" | "mds" | "client";

export function clusterConfigResource({ call }: CallContext) {
  return {
    /** `GET /api/cluster_conf`: every option (large: ~630 kB on Pacific). */
    list: (options?: CephCallOptions) => call(clusterEndpoints.config, {}, options),
    /** One option; `CephApiError` 404 for an unknown name. */
    get: (name: string, options?: CephCallOptions) =>
      call(clusterEndpoints.configOption, { path: { name } }, options),
    /** `GET /api/cluster_conf/filter?names=`. */
    filter: (names: readonly string[], options?: CephCallOptions) =>
      call(clusterEndpoints.configFilter, { query: { names } }, options),
    /** Sets an option in the mon config database for one section. */
    set: (
      name: string,
      section: ConfigSection,
      value: string | number | boolean,
      options?: CephCallOptions,
    ) =>
      call(
        clusterEndpoints.setConfig,
        { body: { name, value: [{ section, value: String(value) }] } },
        options,
      ),
    /** Removes an option from a section. */
    delete: (name: string, section: ConfigSection, options?: CephCallOptions) =>
      call(clusterEndpoints.deleteConfig, { path: { name }, query: { section } }, options),
  };
}
