import { describe, expect, test } from "vitest";
import {
  parseIniInventory,
  parseInventory,
  parseYamlInventory,
  toAnsibleJson,
  toAnsibleList,
  writeIni,
  writeYaml,
} from "../src/index.js";

describe("toAnsibleJson prints like Python's json.dumps(sort_keys=True, indent=4, ensure_ascii=False)", () => {
  test("sorted keys, nested, empty containers, unicode kept", () => {
    expect(toAnsibleJson({ b: [1, { d: null, c: "é" }], a: {}, e: [] })).toBe(
      '{\n    "a": {},\n    "b": [\n        1,\n        {\n            "c": "é",\n            "d": null\n        }\n    ],\n    "e": []\n}',
    );
  });

  test("index-like keys sort as text, big integers stay exact (slow path gives the same layout)", () => {
    expect(toAnsibleJson({ "10": 1, "9": 2, a: 3 })).toBe('{\n    "10": 1,\n    "9": 2,\n    "a": 3\n}');
    expect(toAnsibleJson({ n: 123456789012345678901234567890n })).toBe(
      '{\n    "n": 123456789012345678901234567890\n}',
    );
    expect(toAnsibleJson({ x: [Number.NaN] })).toBe('{\n    "x": [\n        NaN\n    ]\n}');
  });

  test("a container shared at several places and depths prints sorted everywhere; the input is not modified", () => {
    const shared = { z: 1, a: [{ y: 2, b: 3 }] };
    const doc = { h2: { v: shared }, h1: { v: shared, w: { deeper: shared } } };
    const text = toAnsibleJson(doc);
    const plain = (v: unknown): string =>
      JSON.stringify(
        v,
        (_k, x) =>
          x && typeof x === "object" && !Array.isArray(x)
            ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1)))
            : x,
        4,
      );
    expect(text).toBe(plain(doc));
    expect(Object.keys(shared)).toEqual(["z", "a"]);
    expect(text.match(/"b": 3/g)).toHaveLength(3);
  });

  test("toAnsibleList builds hostvars already in print order, sharing group values by reference", () => {
    const inv = parseIniInventory("[g]\nh2 zeta=1 alpha=2\nh1\n[g:vars]\nm={'b': 1, 'a': 2}\nk=3\n");
    const list = toAnsibleList(inv);
    const hv = list._meta.hostvars;
    expect(Object.keys(hv.h2!)).toEqual(["alpha", "k", "m", "zeta"]);
    expect(Object.keys(hv.h1!)).toEqual(["k", "m"]);
    expect(hv.h1!.m).toBe(hv.h2!.m);
    expect(toAnsibleJson(list)).toContain(
      '"m": {\n                    "a": 2,\n                    "b": 1\n                }',
    );
  });

  test("floats print as Python prints them (the texts ansible-inventory 2.14 printed for these files)", () => {
    const yaml = parseYamlInventory(
      "all:\n  hosts:\n    h1:\n      b: 2.50\n      c: 1e3\n      d: 1.0e+3\n      e: .5\n      f: -0.0\n      g: 1_000.0\n  vars:\n    x: 1.0\n",
    );
    const hv = (inv: ReturnType<typeof parseYamlInventory>) =>
      toAnsibleJson(toAnsibleList(inv)._meta.hostvars.h1, 4).replace(/\s+/g, " ");
    expect(hv(yaml)).toBe(
      '{ "b": 2.5, "c": "1e3", "d": 1000.0, "e": 0.5, "f": -0.0, "g": 1000.0, "x": 1.0 }',
    );
    const ini = parseIniInventory("[g]\nh1 a=1.0 b=2.50 c=1e3 d=1.5e20 e=-0.0 f=1e16\n");
    expect(hv(ini)).toBe('{ "a": 1.0, "b": 2.5, "c": 1000.0, "d": 1.5e+20, "e": -0.0, "f": 1e+16 }');
    // and the writers write them back as floats
    for (const text of [writeIni(ini, { canonical: false }), writeYaml(ini, { canonical: false })]) {
      const back = parseInventory(text, { format: text.startsWith("all:") ? "yaml" : "ini" });
      expect(hv(back)).toBe(hv(ini));
    }
  });

  test("keys with characters outside the BMP sort by code point as Python does", () => {
    expect(Object.keys(JSON.parse(toAnsibleJson({ "\u{1F600}": 1, "\uFFFF": 2 })))).toEqual([
      "\uFFFF",
      "\u{1F600}",
    ]);
  });
});
