/**
 * The emulator implements every method the client has (the 7.4 methods of its 24 objects),
 * each reading the same parameters: the same XML-RPC types in wire order and the same optional
 * (defaulted) trailing ones, so a call the client sends is never a -506 or -501 here.
 */
import { openNebulaMethods } from "@homelab-kit/emulator/opennebula";
import { type MethodSpec, methodTables } from "@homelab-kit/opennebula";
import { describe, expect, it } from "vitest";

const clientTables = Object.values(methodTables) as unknown as Record<
  string,
  MethodSpec<unknown[], unknown>
>[];

const clientSpecs = clientTables.flatMap((table) => Object.values(table));

/** The client's parameter types as xmlrpc-c reads them (an i8 is read as a 64-bit int; arrays as strings are not used). */
const WIRE: Record<string, string> = { int: "int", i8: "int", bool: "bool", string: "string" };

describe("OpenNebula emulator: method coverage against the client", () => {
  it("has every client method (184), and nothing named outside one.*", () => {
    expect(clientSpecs.length).toBe(184);
    const missing = clientSpecs.map((s) => s.name).filter((name) => !Object.hasOwn(openNebulaMethods, name));
    expect(missing).toEqual([]);
    expect(Object.keys(openNebulaMethods).every((name) => /^one\.[a-z]+\.[a-z_]+$/.test(name))).toBe(true);
  });

  it("reads each method's parameters with the client's types, in wire order, with the same optional tail", () => {
    const differences: string[] = [];
    for (const spec of clientSpecs) {
      const def = openNebulaMethods[spec.name];
      if (def === undefined) continue;
      const ours = def.params.map((p) => `${p.type}${p.def === undefined ? "" : "?"}`).join(", ");
      const theirs = spec.params.map((p) => `${WIRE[p.type] ?? p.type}${p.optional ? "?" : ""}`).join(", ");
      if (ours !== theirs) differences.push(`${spec.name}: emulator (${ours}) vs client (${theirs})`);
    }
    expect(differences).toEqual([]);
  });
});
