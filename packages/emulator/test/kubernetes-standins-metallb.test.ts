import {
  IpAllocator,
  ipToNumber,
  isStandInError,
  numberToIp,
  type PoolSpec,
  parseAddressRange,
  poolSpecOf,
  requestedIps,
} from "@homelab-kit/emulator/kubernetes";
import { describe, expect, it } from "vitest";

describe("MetalLB address syntax", () => {
  it("parses CIDRs, ranges and single addresses", () => {
    expect(parseAddressRange("192.168.10.0/30")).toEqual({
      first: ipToNumber("192.168.10.0"),
      last: ipToNumber("192.168.10.3"),
    });
    // A CIDR written from a host address still means the whole network.
    expect(parseAddressRange("10.0.0.77/24")).toEqual({
      first: ipToNumber("10.0.0.0"),
      last: ipToNumber("10.0.0.255"),
    });
    expect(parseAddressRange("10.0.0.10-10.0.0.20")).toEqual({
      first: ipToNumber("10.0.0.10"),
      last: ipToNumber("10.0.0.20"),
    });
    expect(parseAddressRange(" 10.0.0.7 ")).toEqual({
      first: ipToNumber("10.0.0.7"),
      last: ipToNumber("10.0.0.7"),
    });
    expect(numberToIp(ipToNumber("255.1.2.254"))).toBe("255.1.2.254");
  });

  it.each(["10.0.0.300/24", "10.0.0.0/33", "10.0.0.20-10.0.0.10", "fd00::/64", "lan", "10.0.0.0/"])(
    "rejects %s with INVALID_ADDRESS",
    (entry) => {
      const error = (() => {
        try {
          parseAddressRange(entry);
        } catch (e) {
          return e;
        }
      })();
      expect(isStandInError(error)).toBe(true);
      expect((error as { code: string }).code).toBe("INVALID_ADDRESS");
    },
  );

  it("reads the addresses a Service asks for: the MetalLB annotations first, then spec.loadBalancerIP", () => {
    expect(
      requestedIps({
        metadata: { annotations: { "metallb.universe.tf/loadBalancerIPs": "10.0.0.5, 10.0.0.6" } },
      }),
    ).toEqual(["10.0.0.5", "10.0.0.6"]);
    expect(requestedIps({ metadata: { annotations: { "metallb.io/loadBalancerIPs": "10.0.0.9" } } })).toEqual(
      ["10.0.0.9"],
    );
    expect(requestedIps({ spec: { loadBalancerIP: "10.0.0.8" } })).toEqual(["10.0.0.8"]);
    expect(requestedIps({ spec: {} })).toBeUndefined();
  });

  it("reads an IPAddressPool object", () => {
    expect(
      poolSpecOf({
        metadata: { name: "lan" },
        spec: {
          addresses: ["10.0.0.0/29"],
          autoAssign: false,
          serviceAllocation: { priority: 5, namespaces: ["web"] },
        },
      }),
    ).toEqual({
      name: "lan",
      addresses: ["10.0.0.0/29"],
      autoAssign: false,
      avoidBuggyIPs: undefined,
      namespaces: ["web"],
      priority: 5,
    });
  });
});

describe("IpAllocator", () => {
  const allocator = (
    pools: PoolSpec[] = [{ name: "lan", addresses: ["10.0.0.0/30", "10.0.0.10-10.0.0.11"] }],
  ) => {
    const a = new IpAllocator();
    a.setPools(pools);
    return a;
  };

  it("hands out every address once, then reports the pool full, and reuses released ones", () => {
    const a = allocator();
    const ips = ["s0", "s1", "s2", "s3", "s4", "s5"].map((key) => {
      const result = a.assign(`default/${key}`, { namespace: "default" });
      if (!("ips" in result)) throw new Error(result.error);
      return result.ips[0];
    });
    expect(ips).toEqual(["10.0.0.0", "10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.10", "10.0.0.11"]);
    expect(a.assign("default/s6", { namespace: "default" })).toEqual({ error: "no available IPs" });
    a.release("default/s2");
    expect(a.owner("10.0.0.2")).toBeUndefined();
    expect(a.assign("default/s6", { namespace: "default" })).toEqual({ ips: ["10.0.0.2"], pool: "lan" });
    // Asking again keeps what is held.
    expect(a.assign("default/s6", { namespace: "default" })).toEqual({ ips: ["10.0.0.2"], pool: "lan" });
  });

  it("never gives one address to two keys under many interleaved creations and deletions", () => {
    const a = allocator([{ name: "big", addresses: ["10.1.0.0/24"] }]);
    const held = new Map<string, string>();
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 5000; i++) {
      const key = `ns/svc-${Math.floor(random() * 400)}`;
      if (held.has(key) && random() < 0.5) {
        a.release(key);
        held.delete(key);
        continue;
      }
      const result = a.assign(key, { namespace: "ns" });
      if ("ips" in result) held.set(key, result.ips[0]!);
      else expect(held.size).toBe(256);
      const values = [...held.values()];
      expect(new Set(values).size).toBe(values.length);
    }
    for (const [key, ip] of held) expect(a.owner(ip)).toBe(key);
  });

  it("honours requested addresses: inside a pool, free, in the asked pool", () => {
    const a = allocator([
      { name: "lan", addresses: ["10.0.0.0/30"] },
      { name: "dmz", addresses: ["10.0.1.0/30"], autoAssign: false },
    ]);
    expect(a.assign("default/a", { namespace: "default", requested: ["10.0.1.2"] })).toEqual({
      ips: ["10.0.1.2"],
      pool: "dmz",
    });
    expect(a.assign("default/b", { namespace: "default", requested: ["10.0.1.2"] })).toEqual({
      error: "address 10.0.1.2 is already in use by default/a",
    });
    expect(a.assign("default/b", { namespace: "default", requested: ["192.168.1.1"] })).toEqual({
      error: '["192.168.1.1"] is not allowed in config',
    });
    expect(a.assign("default/b", { namespace: "default", requested: ["10.0.0.1"], pool: "dmz" })).toEqual({
      error: '["10.0.0.1"] is not in pool "dmz"',
    });
    // autoAssign: false pools only serve Services asking for them.
    expect(a.assign("default/c", { namespace: "default" })).toEqual({ ips: ["10.0.0.0"], pool: "lan" });
    expect(a.assign("default/d", { namespace: "default", pool: "dmz" })).toEqual({
      ips: ["10.0.1.0"],
      pool: "dmz",
    });
    expect(a.assign("default/e", { namespace: "default", pool: "nope" })).toEqual({
      error: 'unknown pool "nope"',
    });
    // Changing the request moves the Service and frees its old address.
    expect(a.assign("default/a", { namespace: "default", requested: ["10.0.1.3"] })).toEqual({
      ips: ["10.0.1.3"],
      pool: "dmz",
    });
    expect(a.owner("10.0.1.2")).toBeUndefined();
  });

  it("skips .0 and .255 with avoidBuggyIPs, and orders pools by serviceAllocation", () => {
    const a = allocator([
      { name: "b-any", addresses: ["10.2.0.255-10.2.1.1"], avoidBuggyIPs: true },
      { name: "a-web", addresses: ["10.3.0.1"], namespaces: ["web"], priority: 1 },
    ]);
    expect(a.assign("other/x", { namespace: "other" })).toEqual({ ips: ["10.2.1.1"], pool: "b-any" });
    expect(a.assign("web/y", { namespace: "web" })).toEqual({ ips: ["10.3.0.1"], pool: "a-web" });
    expect(a.assign("web/z", { namespace: "web" })).toEqual({ error: "no available IPs" });
  });

  it("moves a Service whose address left its pool when the pool changed", () => {
    const a = allocator([{ name: "lan", addresses: ["10.0.0.0/30"] }]);
    a.assign("default/a", { namespace: "default" });
    a.assign("default/b", { namespace: "default" });
    a.setPools([{ name: "lan", addresses: ["10.0.0.1-10.0.0.2"] }]);
    expect(a.assign("default/b", { namespace: "default" })).toEqual({ ips: ["10.0.0.1"], pool: "lan" });
    expect(a.assign("default/a", { namespace: "default" })).toEqual({ ips: ["10.0.0.2"], pool: "lan" });
  });

  it("refuses overlapping pools and keeps the previous configuration", () => {
    const a = allocator();
    expect(() =>
      a.setPools([
        { name: "x", addresses: ["10.0.0.0/24"] },
        { name: "y", addresses: ["10.0.0.128-10.0.0.130"] },
      ]),
    ).toThrow(/pools x and y overlap/);
    expect(a.poolOf("10.0.0.10")).toBe("lan");
  });
});
