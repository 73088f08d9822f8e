import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { InventoryParseError, readInventory, toAnsibleJson } from "../src/index.js";

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

  test("keys with characters outside the BMP sort by code point as Python does", () => {
    expect(Object.keys(JSON.parse(toAnsibleJson({ "\u{1F600}": 1, "\uFFFF": 2 })))).toEqual([
      "\uFFFF",
      "\u{1F600}",
    ]);
  });
});

describe("file encoding, as Ansible reads it", () => {
  const dir = mkdtempSync(join(tmpdir(), "ks-enc-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  test("non-UTF-8 bytes are tolerated in INI comment lines only", () => {
    const ok = join(dir, "ok.ini");
    writeFileSync(ok, Buffer.concat([Buffer.from("# caf"), Buffer.from([0xe9]), Buffer.from("\n[g]\nh1\n")]));
    expect(readInventory(ok).groups.get("g")!.hosts).toEqual(["h1"]);
    const bad = join(dir, "bad.ini");
    writeFileSync(bad, Buffer.concat([Buffer.from("[g]\nh"), Buffer.from([0xe9]), Buffer.from("\n")]));
    let err: unknown;
    try {
      readInventory(bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InventoryParseError);
    expect((err as InventoryParseError).line).toBe(2);
  });
});
