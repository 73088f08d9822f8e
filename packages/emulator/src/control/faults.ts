/**
 * Fault injection per API and operation (docs/DESIGN.md §5): latency, an error status with a
 * body, or a dropped connection (the shared route `fault`s: reset, close, truncate), with a
 * probability and/or a count. Rules are data, set through `POST /_emulator/faults` or
 * `emulator.faults.add()`, and applied by the route wrapper in `wrap-routes.ts`.
 *
 * World faults (`{kind: …}`) break the emulated hardware rather than an HTTP exchange, through
 * the per-adapter switches: `power-on-fails` (the iLO accepts power-on, the host never comes on:
 * `world.host(x).ilo.faults.powerOnFails`), `post-hangs` (the host comes on, POST never ends —
 * until a reset or power cycle once the fault is gone: `…ilo.faults.postHangs`), `unreachable-media` (virtual-media inserts are
 * accepted, nothing gets attached: `…ilo.faults.unreachableImages`) and `osd-wont-start` (the OSD
 * goes down and stays down across power cycles: `world.setOsdStuck`) and `drive-fails` (a drive of a
 * host fails — its health Critical on every protocol, an IML entry — and is replaced, healthy and
 * the entry Repaired, when the fault is cleared). They share ids with the
 * HTTP rules, are listed with them and cleared the same way (which switches the fault off).
 */
import { z } from "zod";
import type { RouteRequest, RouteResponse } from "../common/route-table.js";
import { noteHardware } from "../ilo/event-log.js";
import type { World } from "../world/world.js";

export const API_NAMES = ["ceph", "cloudflare", "ilo", "opennebula", "metrics"] as const;
export type ApiName = (typeof API_NAMES)[number];

export const FaultRuleSchema = z
  .strictObject({
    api: z.enum([...API_NAMES, "*"]).default("*"),
    /** iLO only: the BMC of this host (default every host). */
    host: z.string().min(1).optional(),
    /**
     * `"GET /api/health/*"` (method and path, `*` matches anything) or an XML-RPC method name
     * (`"one.vm.allocate"`); default every operation.
     */
    operation: z.string().min(1).default("*"),
    latencyMs: z.int().min(0).max(600_000).optional(),
    status: z.int().min(100).max(599).optional(),
    body: z.unknown().optional(),
    drop: z.enum(["reset", "close", "truncate"]).optional(),
    probability: z.number().min(0).max(1).default(1),
    /** Applies this many times, then is removed (default: until cleared). */
    count: z.int().min(1).optional(),
  })
  .refine((r) => r.latencyMs !== undefined || r.status !== undefined || r.drop !== undefined, {
    message: "a fault needs latencyMs, status or drop",
  })
  .refine((r) => !(r.status !== undefined && r.drop !== undefined), {
    message: "give status or drop, not both",
  });

export type FaultRuleInit = z.input<typeof FaultRuleSchema>;
export type FaultRule = z.infer<typeof FaultRuleSchema> & { id: number; hits: number };

const hostName = z.string().min(1);
export const WorldFaultSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("power-on-fails"), host: hostName }),
  z.strictObject({ kind: z.literal("unreachable-media"), host: hostName }),
  z.strictObject({ kind: z.literal("post-hangs"), host: hostName }),
  z.strictObject({ kind: z.literal("osd-wont-start"), osd: z.int().min(0) }),
  z.strictObject({ kind: z.literal("drive-fails"), host: hostName, bay: z.string().min(1) }),
]);
export type WorldFaultInit = z.input<typeof WorldFaultSchema>;
export type WorldFault = z.infer<typeof WorldFaultSchema> & { id: number };

/** A world fault naming a host or OSD the world does not have. */
export class WorldFaultError extends Error {
  override readonly name = "WorldFaultError";
  readonly code = "WORLD_FAULT_INVALID";
}

export interface FaultInjector {
  /** Validates and adds a rule (throws a ZodError on bad input); returns it with its id. */
  add(rule: FaultRuleInit): FaultRule;
  /**
   * Validates and switches on a world fault (ZodError on bad input, WorldFaultError for an
   * unknown host or OSD, or when the injector has no world).
   */
  addWorld(fault: WorldFaultInit): WorldFault;
  /** Removes an HTTP rule or a world fault (switching it off). */
  remove(id: number): boolean;
  clear(): void;
  list(): FaultRule[];
  listWorld(): WorldFault[];
  /** The rule that applies to this request now (consuming one of its `count`), if any. */
  match(api: ApiName, host: string | undefined, request: RouteRequest): FaultRule | undefined;
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`, "i");
}

const METHOD_NAME = /<methodName>\s*([^<\s]+)\s*<\/methodName>/;

/** The names an operation answers to: `"POST /RPC2"` and, for XML-RPC, `"one.vm.allocate"`. */
export function operationNames(request: RouteRequest): string[] {
  const names = [`${request.method} ${request.path}`];
  if (request.method === "POST" && request.body.byteLength > 0 && request.body.byteLength < 1 << 20) {
    const method = METHOD_NAME.exec(request.text())?.[1];
    if (method !== undefined) names.push(method);
  }
  return names;
}

/**
 * Sets every switch the world faults govern from the active list: a host's iLO switches are on
 * while a fault asks for them; a released OSD starts again (if its host is up). Switches on hosts
 * no fault ever touched are left as they are.
 */
function applyWorldFaults(
  world: World,
  active: WorldFault[],
  touched: Set<string>,
  released: number[],
  touchedDrives: Set<string>,
): void {
  world.sync(); // what came due before the change happens without it (transitions are applied lazily)
  for (const name of touched) {
    const ilo = world.host(name).ilo;
    ilo.faults.powerOnFails = active.some((f) => f.kind === "power-on-fails" && f.host === name);
    ilo.faults.unreachableImages = active.some((f) => f.kind === "unreachable-media" && f.host === name);
    ilo.faults.postHangs = active.some((f) => f.kind === "post-hangs" && f.host === name);
    for (const drive of ilo.sensors.drives) {
      const failed = active.some((f) => f.kind === "drive-fails" && f.host === name && f.bay === drive.bay);
      if (failed) drive.health = "Critical";
      else if (touchedDrives.has(`${name}/${drive.bay}`)) drive.health = "OK";
    }
    noteHardware(ilo); // the IML records the failure (or its repair) now
    world.touch(name);
  }
  for (const id of released)
    if (!active.some((f) => f.kind === "osd-wont-start" && f.osd === id)) world.setOsdStuck(id, false);
  for (const f of active) if (f.kind === "osd-wont-start") world.setOsdStuck(f.osd, true);
}

export function createFaultInjector(random: () => number = Math.random, world?: World): FaultInjector {
  const rules: Array<FaultRule & { pattern: RegExp }> = [];
  const worldFaults: WorldFault[] = [];
  const touchedHosts = new Set<string>();
  /** `host/bay` of drives a fault failed: they are healthy again once no fault holds them. */
  const touchedDrives = new Set<string>();
  let nextId = 1;
  const removeWorld = (drop: WorldFault[]) => {
    if (world === undefined || drop.length === 0) return;
    for (const f of drop) worldFaults.splice(worldFaults.indexOf(f), 1);
    const released = drop.flatMap((f) => (f.kind === "osd-wont-start" ? [f.osd] : []));
    applyWorldFaults(world, worldFaults, touchedHosts, released, touchedDrives);
  };
  return {
    add(init) {
      const rule = { ...FaultRuleSchema.parse(init), id: nextId++, hits: 0 };
      rules.push({ ...rule, pattern: globToRegExp(rule.operation) });
      return rule;
    },
    addWorld(init) {
      const parsed = WorldFaultSchema.parse(init);
      if (world === undefined) throw new WorldFaultError("this fault injector has no world");
      if (parsed.kind === "osd-wont-start") {
        if (!world.ceph?.osds.has(parsed.osd)) throw new WorldFaultError(`no OSD ${parsed.osd} in the world`);
      } else if (!world.hosts.has(parsed.host)) {
        throw new WorldFaultError(
          `no host "${parsed.host}" in the world (${[...world.hosts.keys()].join(", ")})`,
        );
      } else {
        if (parsed.kind === "drive-fails") {
          const bays = world.host(parsed.host).ilo.sensors.drives.map((d) => d.bay);
          if (!bays.includes(parsed.bay))
            throw new WorldFaultError(
              `no drive in bay "${parsed.bay}" of host "${parsed.host}" (${bays.join(", ") || "none"})`,
            );
          touchedDrives.add(`${parsed.host}/${parsed.bay}`);
        }
        touchedHosts.add(parsed.host);
      }
      const fault = { ...parsed, id: nextId++ };
      worldFaults.push(fault);
      applyWorldFaults(world, worldFaults, touchedHosts, [], touchedDrives);
      return fault;
    },
    remove(id) {
      const index = rules.findIndex((r) => r.id === id);
      if (index >= 0) rules.splice(index, 1);
      const fault = worldFaults.find((f) => f.id === id);
      if (fault !== undefined) removeWorld([fault]);
      return index >= 0 || fault !== undefined;
    },
    clear() {
      rules.length = 0;
      removeWorld([...worldFaults]);
    },
    list: () => rules.map(({ pattern: _pattern, ...rule }) => rule),
    listWorld: () => worldFaults.map((f) => ({ ...f })),
    match(api, host, request) {
      if (rules.length === 0) return undefined;
      let names: string[] | undefined;
      for (let i = 0; i < rules.length; i++) {
        const rule = rules[i] as FaultRule & { pattern: RegExp };
        if (rule.api !== "*" && rule.api !== api) continue;
        if (rule.host !== undefined && rule.host !== host) continue;
        names ??= operationNames(request);
        if (!names.some((n) => rule.pattern.test(n))) continue;
        if (rule.probability < 1 && random() >= rule.probability) continue;
        rule.hits++;
        if (rule.count !== undefined && rule.hits >= rule.count) rules.splice(i, 1);
        const { pattern: _pattern, ...plain } = rule;
        return plain;
      }
      return undefined;
    },
  };
}

/**
 * The answer a rule gives instead of the route's (undefined: the route answers, after the latency;
 * a truncate cuts the route's own answer, see `wrap-routes.ts`).
 */
export function faultResponse(rule: FaultRule): RouteResponse | undefined {
  if (rule.drop === "reset" || rule.drop === "close") return { fault: rule.drop };
  if (rule.status !== undefined) {
    return {
      status: rule.status,
      body:
        rule.body === undefined ? { error: "injected fault", status: rule.status } : (rule.body as object),
    };
  }
  return undefined;
}
