/**
 * Every method table against the 7.4 method reference (docs/reference/opennebula/API.md §7, generated from oned's
 * sources): the same methods per object, and for each the same parameters in wire order, with
 * the same XML-RPC types and the same optional (defaulted) trailing parameters.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type MethodSpec, methodTables } from "../src/index.js";

const api = readFileSync(new URL("../../../docs/reference/opennebula/API.md", import.meta.url), "utf8");

interface RefParam {
  name: string;
  type: string;
  optional: boolean;
}

/** `one.group.*` → method name → parameters, from the markdown tables of §7. */
function reference(object: string): Map<string, RefParam[]> {
  const methods = new Map<string, RefParam[]>();
  const row = new RegExp(String.raw`^\|[^|]*\| \`one\.${object}\.(\w+)\` \| ([^|]*) \|`, "gm");
  for (const m of api.matchAll(row)) {
    const list = m[2]!.trim();
    methods.set(
      m[1]!,
      list === "—"
        ? []
        : list.split(", ").map((p) => {
            const [, name, type, rest] = /^(\w+):([\w<>]+)(.*)$/.exec(p)!;
            const optional = rest!.startsWith("=") || rest === "?";
            // oned's source spells acl.addrule's third parameter "rigths"
            return {
              name: name === "rigths" ? "rights" : name!,
              type: type === "array<int>" ? "int[]" : type!,
              optional,
            };
          }),
    );
  }
  return methods;
}

const tables = methodTables as unknown as Record<string, Record<string, MethodSpec<unknown[], unknown>>>;

describe("method tables against docs/reference/opennebula/API.md §7 (release-7.4.0)", () => {
  it("reads the reference (sanity: 44 VM methods)", () => {
    expect(reference("vm").size).toBe(44);
  });

  for (const [object, table] of Object.entries(tables)) {
    it(`one.${object}.*: the same methods, parameters, types and defaults`, () => {
      const ref = reference(object);
      expect(ref.size).toBeGreaterThan(0);
      expect(Object.keys(table).sort()).toEqual([...ref.keys()].sort());
      for (const [key, spec] of Object.entries(table)) {
        expect(spec.name).toBe(`one.${object}.${key}`);
        const ours = spec.params.map((p) => ({ name: p.name, type: p.type, optional: p.optional === true }));
        expect({ method: spec.name, params: ours }).toEqual({ method: spec.name, params: ref.get(key) });
      }
    });
  }

  it("marks exactly the reads idempotent (info, pools, monitoring, version/config/sqlquery)", () => {
    for (const table of Object.values(tables)) {
      for (const [key, spec] of Object.entries(table)) {
        const read =
          /^(info|infoextended|infoset|accounting|monitoring|showback|version|config|sqlquery)$/.test(key);
        expect({ method: spec.name, idempotent: spec.idempotent }).toEqual({
          method: spec.name,
          idempotent: read,
        });
      }
    }
  });

  it("gates the methods added after 6.0 on the release that added them (docs/reference/opennebula/API.md §5)", () => {
    const since = Object.values(tables).flatMap((table) =>
      Object.values(table)
        .filter((spec) => spec.since !== undefined)
        .map((spec) => `${spec.name}@${spec.since}`),
    );
    expect(since).toEqual(
      expect.arrayContaining([
        "one.user.enable@6.0",
        "one.vn.recover@6.4",
        "one.image.restore@6.6",
        "one.cluster.optimize@7.0",
        "one.cluster.planexecute@7.0",
        "one.cluster.plandelete@7.0",
        "one.group.vlan@7.4",
        "one.vm.vmgroupadd@7.4",
      ]),
    );
  });
});
