/**
 * Finds the resources of a Redfish service by following its links from the service root:
 * `Systems` → the first member; its `Links.Chassis` / `Links.ManagedBy` (else the first member of
 * the root's `Chassis` / `Managers`); collections through `Members` and `Members@odata.nextLink`.
 * Where a resource lives does not change, so the URLs are cached; bodies are read fresh each time.
 */
import type { CallOptions, SafeParseSchema } from "@homelab-kit/core";
import type { RedfishHttp } from "./http.js";
import { SERVICE_ROOT } from "./http.js";
import { linkAt, notLinked } from "./links.js";
import { Collection, ComputerSystem, type ServiceRoot } from "./schemas.js";

/** Pages of one collection followed at most (a server whose nextLink loops must not hang us). */
const MAX_PAGES = 100;

export type RootCollection = "Systems" | "Chassis" | "Managers" | "AccountService" | "UpdateService";

export function createRedfishNavigator(http: RedfishHttp, baseUrl: string) {
  const located = new Map<string, Promise<string>>();
  const absolute = (path: string) => new URL(path, baseUrl).toString();

  /** Caches a lookup by key; a failed lookup is not cached. */
  function once(key: string, find: () => Promise<string>): Promise<string> {
    let found = located.get(key);
    if (!found) {
      found = find();
      found.catch(() => located.delete(key));
      located.set(key, found);
    }
    return found;
  }

  /** The members of a collection, every page of it. */
  async function members(url: string, call?: CallOptions): Promise<string[]> {
    const all: string[] = [];
    let next: string | undefined = url;
    for (let n = 0; next !== undefined && n < MAX_PAGES; n++) {
      const page: Collection = (await http.get(next, Collection, call)).body;
      for (const member of page.Members) all.push(member["@odata.id"]);
      next = page["Members@odata.nextLink"] ?? undefined;
    }
    return all;
  }

  /** GETs every member of a collection (every page) with `schema`, in parallel. */
  async function readAll<T>(url: string, schema: SafeParseSchema<T>, call?: CallOptions): Promise<T[]> {
    const all = await members(url, call);
    return Promise.all(all.map(async (m) => (await http.get(m, schema, call)).body));
  }

  async function firstMember(url: string, what: string, call?: CallOptions): Promise<string> {
    const [member] = await members(url, call);
    if (member === undefined) throw notLinked(absolute(url), what, "REDFISH_EMPTY_COLLECTION");
    return member;
  }

  async function fromRoot(name: RootCollection, call?: CallOptions): Promise<string> {
    const root: ServiceRoot = await http.root(call);
    const link = linkAt(root, name);
    if (link === undefined) throw notLinked(absolute(SERVICE_ROOT), name);
    return link;
  }

  const systemUrl = (call?: CallOptions) =>
    once("system", async () => firstMember(await fromRoot("Systems", call), "computer system", call));

  async function system(call?: CallOptions) {
    const url = await systemUrl(call);
    return { url, ...(await http.get(url, ComputerSystem, call)) };
  }

  /** The system's own link when it gives one (`Links.Chassis`, `Links.ManagedBy`), else the root's first. */
  async function related(key: "chassis" | "manager", call?: CallOptions): Promise<string> {
    return once(key, async () => {
      const { body } = await system(call);
      const own = linkAt(body, "Links", key === "chassis" ? "Chassis" : "ManagedBy", 0);
      if (own !== undefined) return own;
      return firstMember(await fromRoot(key === "chassis" ? "Chassis" : "Managers", call), key, call);
    });
  }

  return {
    /** The service root (read once). */
    root: (call?: CallOptions) => http.root(call),
    /** The link a root property names (`AccountService`), or the typed error when there is none. */
    fromRoot,
    members,
    readAll,
    systemUrl,
    system,
    chassisUrl: (call?: CallOptions) => related("chassis", call),
    managerUrl: (call?: CallOptions) => related("manager", call),
    /** An absolute URL for errors. */
    absolute,
  };
}

export type RedfishNavigator = ReturnType<typeof createRedfishNavigator>;
