import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  expandHostnameRange,
  expandHostPattern,
  HostPatternError,
  parseAddress,
} from "../src/host-pattern.js";

describe("host patterns", () => {
  test("ranges as docs/reference/kubespray/FORMAT.md §5 lists them", () => {
    expect(expandHostPattern("node[1:3]").hosts).toEqual(["node1", "node2", "node3"]);
    expect(expandHostPattern("node[01:03]").hosts).toEqual(["node01", "node02", "node03"]);
    expect(expandHostPattern("x[a:c]").hosts).toEqual(["xa", "xb", "xc"]);
    expect(expandHostPattern("y[1:6:2]").hosts).toEqual(["y1", "y3", "y5"]);
    expect(expandHostPattern("node[001:003]cluster.local").hosts).toEqual([
      "node001cluster.local",
      "node002cluster.local",
      "node003cluster.local",
    ]);
    expect(expandHostPattern("r[1:2]-n[a:b]").hosts).toEqual(["r1-na", "r1-nb", "r2-na", "r2-nb"]);
    expect(expandHostPattern("k8s-[1:1]").hosts).toEqual(["k8s-1"]);
    expect(expandHostPattern("n[:2]").hosts).toEqual(["n0", "n1", "n2"]);
  });

  test("ports", () => {
    expect(expandHostPattern("host:2222")).toEqual({ hosts: ["host"], port: 2222 });
    expect(expandHostPattern("10.0.0.1:22")).toEqual({ hosts: ["10.0.0.1"], port: 22 });
    expect(expandHostPattern("[fe80::1]:22")).toEqual({ hosts: ["fe80::1"], port: 22 });
    expect(expandHostPattern("fe80::1")).toEqual({ hosts: ["fe80::1"], port: undefined });
    expect(expandHostPattern("web[1:2]:8022")).toEqual({ hosts: ["web1", "web2"], port: 8022 });
    expect(parseAddress("all:")).toEqual({ host: "all:", port: undefined });
  });

  test("bad ranges are refused with Ansible's messages", () => {
    expect(() => expandHostnameRange("n[01:3]")).toThrow("equal-length");
    expect(() => expandHostnameRange("n[c:a]")).toThrow("begin <= end");
    expect(() => expandHostnameRange("n[1]")).toThrow("begin:end");
    expect(() => expandHostnameRange("n[1:]")).toThrow("end value");
    expect(() => expandHostnameRange("n[0:99999999]", 1000)).toThrow(HostPatternError);
  });

  test("property: a numeric range expands to exactly its arithmetic sequence, padded", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 1, max: 7 }),
        fc.boolean(),
        (start, span, step, padded) => {
          const end = start + span;
          const width = String(end).length + 1;
          const b = padded ? String(start).padStart(width, "0") : String(start);
          const e = padded ? String(end).padStart(width, "0") : String(end);
          const hosts = expandHostPattern(`w[${b}:${e}:${step}].lan`).hosts;
          const want: string[] = [];
          for (let i = start; i <= end; i += step)
            want.push(`w${padded ? String(i).padStart(width, "0") : String(i)}.lan`);
          expect(hosts).toEqual(want);
        },
      ),
    );
  });
});
