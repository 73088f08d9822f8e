import { describe, expect, it } from "vitest";
import { parseXmlDocument } from "../src/xml/index.js";

// Objects of an element seen again with the same children are built by a generated factory
// (parse.ts, `build`): the result must not differ from the generic path's in any way.
describe("objects built from known child sequences", () => {
  const children = [
    "<ID>1</ID>",
    "<NIC><IP>a</IP></NIC>",
    "<NAME>x</NAME>",
    "<NIC><IP>b</IP></NIC>",
    "<constructor>c</constructor>",
    "<toString>t</toString>",
    "<NIC><IP>c</IP></NIC>",
    "<EMPTY/>",
    ...Array.from({ length: 24 }, (_, i) => `<K${i}>${i}</K${i}>`),
  ].join("\n  ");
  const doc = `<POOL><VM>\n  ${children}\n</VM><VM>\n  ${children}\n</VM></POOL>`;

  it("gives the generic path's result, every time (first sight, second, compiled)", () => {
    const results = [1, 2, 3, 4].map(() => parseXmlDocument(doc));
    const vm = (results[0]!.POOL as { VM: unknown[] }).VM[0] as Record<string, unknown>;
    expect(Object.keys(vm)).toEqual([
      "ID",
      "NIC",
      "NAME",
      "constructor",
      "toString",
      "EMPTY",
      ...Array.from({ length: 24 }, (_, i) => `K${i}`),
    ]);
    expect(vm.NIC).toEqual([{ IP: "a" }, { IP: "b" }, { IP: "c" }]);
    expect(vm.constructor).toBe("c");
    expect(vm.EMPTY).toBe("");
    for (const result of results) {
      expect(result).toStrictEqual(results[0]);
      for (const item of (result.POOL as { VM: object[] }).VM) {
        expect(Object.getPrototypeOf(item)).toBe(Object.prototype);
        expect(Object.hasOwn(item, "constructor")).toBe(true);
      }
    }
  });

  it("keeps __proto__ an own key, never the prototype", () => {
    const proto = "<A><__proto__><B>1</B></__proto__><C>2</C></A>";
    for (let i = 0; i < 3; i++) {
      const a = parseXmlDocument(`<R>${proto}${proto}</R>`).R as { A: Array<Record<string, unknown>> };
      for (const item of a.A) {
        expect(Object.getPrototypeOf(item)).toBe(Object.prototype);
        expect(Object.getOwnPropertyDescriptor(item, "__proto__")?.value).toEqual({ B: "1" });
        expect(item.C).toBe("2");
      }
    }
  });

  it("tells apart sequences that differ in order or length under the same name", () => {
    const docs = [
      "<R><A>1</A><B>2</B></R>",
      "<R><B>2</B><A>1</A></R>",
      "<R><A>1</A><A>2</A></R>",
      "<R><A>1</A></R>",
    ];
    const expected = [{ A: "1", B: "2" }, { B: "2", A: "1" }, { A: ["1", "2"] }, { A: "1" }];
    for (let round = 0; round < 3; round++) {
      docs.forEach((d, i) => {
        const r = parseXmlDocument(d).R as Record<string, unknown>;
        expect(r).toStrictEqual(expected[i]);
        expect(Object.keys(r)).toEqual(Object.keys(expected[i]!));
      });
    }
  });
});
