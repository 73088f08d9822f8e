/**
 * Fault injection per API and operation (DESIGN.md §5, issue 7): latency, an error status with a
 * body, or a dropped connection (the shared route `fault`s: reset, close, truncate), with a
 * probability and/or a count. Rules are data, set through `POST /_emulator/faults` or
 * `emulator.faults.add()`, and applied by the route wrapper in `wrap-routes.ts`.
 */
import { z } from "zod";
import type { RouteRequest, RouteResponse } from "../shared/routes.js";

export const API_NAMES = ["ceph", "ilo", "opennebula"] as const;
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

export interface FaultInjector {
  /** Validates and adds a rule (throws a ZodError on bad input); returns it with its id. */
  add(rule: FaultRuleInit): FaultRule;
  remove(id: number): boolean;
  clear(): void;
  list(): FaultRule[];
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

export function createFaultInjector(random: () => number = Math.random): FaultInjector {
  const rules: Array<FaultRule & { pattern: RegExp }> = [];
  let nextId = 1;
  return {
    add(init) {
      const rule = { ...FaultRuleSchema.parse(init), id: nextId++, hits: 0 };
      rules.push({ ...rule, pattern: globToRegExp(rule.operation) });
      return rule;
    },
    remove(id) {
      const index = rules.findIndex((r) => r.id === id);
      if (index >= 0) rules.splice(index, 1);
      return index >= 0;
    },
    clear() {
      rules.length = 0;
    },
    list: () => rules.map(({ pattern: _pattern, ...rule }) => rule),
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
