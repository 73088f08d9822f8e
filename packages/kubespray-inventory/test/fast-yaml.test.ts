import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { generate } from "../../../bench/kubespray/generate.mjs";
import { fastParseYaml } from "../src/fast-yaml.js";
import { type AnsibleValue, Inventory, parseYamlInventory, toAnsibleList, writeYaml } from "../src/index.js";

const DIR = join(import.meta.dirname, "../../../docs/reference/kubespray/inventories");
const yamlFixtures = readdirSync(DIR).flatMap((n) => {
  const p = join(DIR, n);
  if (statSync(p).isDirectory())
    return readdirSync(p)
      .filter((f) => /\.ya?ml$/.test(f))
      .map((f) => join(p, f));
  return /\.ya?ml$/.test(n) ? [p] : [];
});

const both = (text: string) => {
  const run = (fast: boolean) => {
    try {
      return toAnsibleList(parseYamlInventory(text, { file: "f.yaml", fast }));
    } catch (e) {
      return { error: (e as Error).message };
    }
  };
  return { fast: run(true), full: run(false) };
};

describe("fast YAML reader gives exactly what the yaml package path gives", () => {
  test.each(yamlFixtures)("%s", (file) => {
    const { fast, full } = both(readFileSync(file, "utf8"));
    expect(fast).toEqual(full);
  });

  test("it takes the builder-style files and the benchmark file; it declines anchors and block scalars", () => {
    expect(fastParseYaml(readFileSync(join(DIR, "ks-pr10362-builder-output.yaml"), "utf8"))).toBeDefined();
    expect(fastParseYaml(generate(50).yaml)).toBeDefined();
    expect(fastParseYaml(readFileSync(join(DIR, "ks-heketi-inventory.yml"), "utf8"))).toBeUndefined();
    expect(fastParseYaml("all:\n  vars:\n    x: |\n      text\n")).toBeUndefined();
    expect(fastParseYaml('all:\n  vars:\n    x: "a\\tb"\n')).toBeUndefined();
    expect(fastParseYaml("all:\n  vars:\n    x: a\n      continued\n")).toBeUndefined();
  });

  test("errors and locations are the same either way", () => {
    for (const text of [
      "all:\n  hosts:\n    - a\n",
      "all:\n  hosts:\n    a:\n  bogus:\n    b:\n",
      "x: [1,\n",
    ]) {
      const { fast, full } = both(text);
      expect(fast).toEqual(full);
    }
    const inv = parseYamlInventory("all:\n  hosts:\n    n1:\n      ip: 10.0.0.1\n", { file: "f.yaml" });
    expect(inv.hosts.get("n1")!.varLocations.get("ip")).toEqual({ file: "f.yaml", line: 4, column: 7 });
  });

  test("property: on written inventories and hand-written variants, fast = full", () => {
    const scalar: fc.Arbitrary<AnsibleValue> = fc.oneof(
      fc.boolean(),
      fc.integer(),
      fc.constant(null),
      fc.string({ maxLength: 10 }),
      fc.constantFrom(
        "yes",
        "010",
        "1:20",
        "a: b",
        "#x",
        "x #y",
        "'q'",
        "- d",
        "{}",
        "[]",
        "~",
        "2024-01-02",
      ),
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/),
            fc.dictionary(
              fc.stringMatching(/^[a-z]{1,6}$/),
              fc.oneof(scalar, fc.array(scalar, { maxLength: 3 })),
              { maxKeys: 4 },
            ),
          ),
          { maxLength: 6 },
        ),
        (hosts) => {
          const inv = new Inventory();
          inv.addGroup("g");
          for (const [h, vars] of hosts) {
            inv.addHost(h, "g");
            for (const [k, v] of Object.entries(vars)) inv.setVariable(h, k, v);
          }
          inv.reconcile();
          const text = writeYaml(inv, { canonical: false });
          const { fast, full } = both(text);
          expect(fast).toEqual(full);
          const mangled = text.replace(/: /g, ":  ").replace(/\n/g, "  # c\n");
          const m = both(mangled);
          expect(m.fast).toEqual(m.full);
        },
      ),
      { numRuns: 300 },
    );
  });
});
