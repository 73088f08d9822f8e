/**
 * MetalLB's address bookkeeping as pure code: IPAddressPool address syntax (`10.0.0.0/24`,
 * `10.0.0.10-10.0.0.20`, a single address), pool choice (the pool annotation, `autoAssign`,
 * `serviceAllocation` namespaces and priority, `avoidBuggyIPs`) and an allocator that never hands
 * one address to two Services. IPv4 only.
 */
import { StandInError } from "./errors.js";

export interface AddressRange {
  /** First and last address as 32-bit unsigned integers, inclusive. */
  first: number;
  last: number;
}

export interface PoolSpec {
  name: string;
  addresses: string[];
  /** Addresses are handed out without being asked for (default true). */
  autoAssign?: boolean;
  /** Skip addresses ending in .0 and .255 (default false). */
  avoidBuggyIPs?: boolean;
  /** `serviceAllocation`: only these namespaces (when given), by priority (lower first). */
  namespaces?: string[];
  priority?: number;
}

interface Pool extends Required<Pick<PoolSpec, "name" | "autoAssign" | "avoidBuggyIPs">> {
  ranges: AddressRange[];
  namespaces: string[] | undefined;
  priority: number | undefined;
}

export function ipToNumber(ip: string): number {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip.trim());
  const octets = match?.slice(1, 5).map(Number);
  if (!octets || octets.some((o) => o > 255)) {
    throw new StandInError(`"${ip}" is not an IPv4 address`, { code: "INVALID_ADDRESS" });
  }
  return octets.reduce((acc, o) => acc * 256 + o, 0);
}

export function numberToIp(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

/** One `spec.addresses` entry: a CIDR, a `first-last` range or one address. */
export function parseAddressRange(entry: string): AddressRange {
  const text = entry.trim();
  const dash = text.indexOf("-");
  if (dash >= 0) {
    const first = ipToNumber(text.slice(0, dash));
    const last = ipToNumber(text.slice(dash + 1));
    if (last < first)
      throw new StandInError(`range "${entry}" ends before it starts`, { code: "INVALID_ADDRESS" });
    return { first, last };
  }
  const slash = text.indexOf("/");
  if (slash < 0) {
    const only = ipToNumber(text);
    return { first: only, last: only };
  }
  const bits = Number(text.slice(slash + 1));
  if (!/^\d{1,2}$/.test(text.slice(slash + 1)) || bits > 32) {
    throw new StandInError(`"${entry}" has an invalid prefix length`, { code: "INVALID_ADDRESS" });
  }
  const base = ipToNumber(text.slice(0, slash));
  const size = 2 ** (32 - bits);
  const first = base - (base % size);
  return { first, last: first + size - 1 };
}

function overlaps(a: AddressRange, b: AddressRange): boolean {
  return a.first <= b.last && b.first <= a.last;
}

export interface AllocationRequest {
  namespace: string;
  /** Addresses asked for (`metallb.universe.tf/loadBalancerIPs`, `spec.loadBalancerIP`). */
  requested?: string[];
  /** Pool asked for (`metallb.universe.tf/address-pool`). */
  pool?: string;
}

export type AllocationResult = { ips: string[]; pool: string } | { error: string };

/**
 * Which Service holds which address. Decisions are synchronous, so concurrent Service creations
 * (handled one after another by the controller's queue) can never get the same address.
 */
export class IpAllocator {
  #pools: Pool[] = [];
  readonly #owner = new Map<number, string>();
  readonly #held = new Map<string, { ips: number[]; pool: string }>();

  /** Replaces the pools; throws StandInError for an invalid address or overlapping pools. */
  setPools(specs: PoolSpec[]): void {
    const pools = specs.map((spec) => ({
      name: spec.name,
      ranges: spec.addresses.map(parseAddressRange),
      autoAssign: spec.autoAssign ?? true,
      avoidBuggyIPs: spec.avoidBuggyIPs ?? false,
      namespaces: spec.namespaces?.length ? spec.namespaces : undefined,
      priority: spec.priority,
    }));
    const all = pools.flatMap((p) => p.ranges.map((r) => ({ pool: p.name, r })));
    for (let i = 0; i < all.length; i++) {
      for (let j = i + 1; j < all.length; j++) {
        const a = all[i]!;
        const b = all[j]!;
        if (overlaps(a.r, b.r)) {
          throw new StandInError(`pools ${a.pool} and ${b.pool} overlap`, { code: "INVALID_ADDRESS" });
        }
      }
    }
    this.#pools = pools;
  }

  /** The pool an address belongs to. */
  poolOf(ip: string): string | undefined {
    let n: number;
    try {
      n = ipToNumber(ip);
    } catch {
      return undefined;
    }
    return this.#pools.find((p) => p.ranges.some((r) => n >= r.first && n <= r.last))?.name;
  }

  /** The addresses `key` holds (empty when none). */
  held(key: string): { ips: string[]; pool: string } | undefined {
    const entry = this.#held.get(key);
    return entry && { ips: entry.ips.map(numberToIp), pool: entry.pool };
  }

  /** Who holds an address. */
  owner(ip: string): string | undefined {
    return this.#owner.get(ipToNumber(ip));
  }

  release(key: string): void {
    const entry = this.#held.get(key);
    if (!entry) return;
    for (const ip of entry.ips) this.#owner.delete(ip);
    this.#held.delete(key);
  }

  /**
   * Gives `key` addresses: the ones requested (each in a pool, free or already its own), else the
   * first free one of the best pool. What `key` held before is released first unless kept.
   */
  assign(key: string, request: AllocationRequest): AllocationResult {
    const current = this.#held.get(key);
    if (request.requested?.length) {
      let numbers: number[];
      try {
        numbers = request.requested.map(ipToNumber);
      } catch (error) {
        return { error: (error as Error).message };
      }
      const pools = request.requested.map((ip) => this.poolOf(ip));
      const outside = request.requested.filter((_, i) => pools[i] === undefined);
      if (outside.length) return { error: `${JSON.stringify(outside)} is not allowed in config` };
      const pool = pools[0]!;
      if (request.pool !== undefined && pools.some((p) => p !== request.pool)) {
        return { error: `${JSON.stringify(request.requested)} is not in pool "${request.pool}"` };
      }
      for (const n of numbers) {
        const owner = this.#owner.get(n);
        if (owner !== undefined && owner !== key) {
          return { error: `address ${numberToIp(n)} is already in use by ${owner}` };
        }
      }
      this.release(key);
      for (const n of numbers) this.#owner.set(n, key);
      this.#held.set(key, { ips: numbers, pool: pool });
      return { ips: numbers.map(numberToIp), pool };
    }
    if (
      current &&
      (request.pool === undefined || current.pool === request.pool) &&
      current.ips.every((n) => this.poolOf(numberToIp(n)) === current.pool)
    ) {
      return { ips: current.ips.map(numberToIp), pool: current.pool };
    }
    const candidates = this.#candidates(request);
    if (request.pool !== undefined && candidates.length === 0)
      return { error: `unknown pool "${request.pool}"` };
    for (const pool of candidates) {
      for (const range of pool.ranges) {
        for (let n = range.first; n <= range.last; n++) {
          if (pool.avoidBuggyIPs && (n % 256 === 0 || n % 256 === 255)) continue;
          if (this.#owner.has(n)) continue;
          this.release(key);
          this.#owner.set(n, key);
          this.#held.set(key, { ips: [n], pool: pool.name });
          return { ips: [numberToIp(n)], pool: pool.name };
        }
      }
    }
    return { error: "no available IPs" };
  }

  #candidates(request: AllocationRequest): Pool[] {
    if (request.pool !== undefined) return this.#pools.filter((p) => p.name === request.pool);
    return this.#pools
      .filter((p) => p.autoAssign && (p.namespaces === undefined || p.namespaces.includes(request.namespace)))
      .sort(
        (a, b) =>
          (a.priority ?? Number.POSITIVE_INFINITY) - (b.priority ?? Number.POSITIVE_INFINITY) ||
          a.name.localeCompare(b.name),
      );
  }
}
