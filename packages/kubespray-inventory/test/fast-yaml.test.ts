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

  test("it takes the builder-style files, the benchmark files, anchors, merge keys and block scalars", () => {
    expect(fastParseYaml(readFileSync(join(DIR, "ks-pr10362-builder-output.yaml"), "utf8"))).toBeDefined();
    expect(fastParseYaml(generate(50).yaml)).toBeDefined();
    expect(fastParseYaml(generate(50, { anchors: true }).yaml)).toBeDefined();
    expect(fastParseYaml(readFileSync(join(DIR, "ks-heketi-inventory.yml"), "utf8"))).toBeDefined();
    expect(fastParseYaml("all:\n  vars:\n    x: |\n      text\n")).toBeDefined();
    expect(fastParseYaml("all:\n  vars:\n    x: >-\n      a\n      b\n")).toBeDefined();
  });

  test("it declines what is outside the subset (the yaml package reads it)", () => {
    for (const text of [
      'all:\n  vars:\n    x: "a\\tb"\n', // escape
      "all:\n  vars:\n    x: a\n      continued\n", // multi-line plain scalar
      "all:\n  vars:\n    x: !!str 1\n", // tag
      "all:\n  vars:\n    x: |+\n      kept\n\n", // keep chomping
      "all:\n  vars:\n    x: |2\n       indented\n", // indentation indicator
      "all:\n  vars:\n    x: >\n      a\n        more\n", // more-indented folded line
      "all:\n  vars:\n    x: |\n      last line without a newline", // no final line break
      "all:\n  vars:\n    x: *nowhere\n", // alias before (without) its anchor
      "all:\n  vars: &v\n    x: *v\n", // alias inside its own anchor
      "all:\n  vars:\n    a: &s 1\n    <<: *s\n", // merge of a scalar
      "all:\n  vars:\n    - &a x\n", // anchor in a sequence
      "all:\n  vars:\n    x: &a\n    y: 1\n", // anchored empty value
    ])
      expect(fastParseYaml(text), text).toBeUndefined();
  });

  test("anchors, aliases, merge keys and block scalars: same values, warnings and locations as the yaml package", () => {
    const text = [
      "all:",
      "  vars:",
      "    ntp: &ntp",
      "      servers:",
      "        - 0.pool.ntp.org",
      "      enabled: yes",
      "    motd: |",
      "      Welcome",
      "      # not a comment",
      "",
      "      bye",
      "    banner: >-",
      "      folded",
      "      text",
      "",
      "      new paragraph",
      "    script: &script |-",
      "      #!/bin/sh",
      "      echo hi",
      "    again: *script  # a comment",
      "  hosts:",
      "    n1: &base",
      "      ip: 10.0.0.1",
      "      zone: a",
      "    n2:",
      "      <<: *base",
      "      ip: 10.0.0.2",
      "    n3:",
      "      <<: [*base, *ntp]",
      "      zone: b",
      "      zone: c",
      "  children:",
      "    kube_node:",
      "      hosts: &nodes",
      "        n1:",
      "        n2:",
      "    workers:",
      "      hosts:",
      "        <<: *nodes",
      "        n3:",
      "",
    ].join("\n");
    expect(fastParseYaml(text)).toBeDefined();
    const read = (fast: boolean) => parseYamlInventory(text, { file: "f.yaml", fast });
    const fast = read(true);
    const full = read(false);
    expect(toAnsibleList(fast)).toEqual(toAnsibleList(full));
    expect(fast.warnings).toEqual(full.warnings);
    // n2 overrides a merged key, n3 a merged key and its own: one warning per mapping
    expect(fast.warnings.map((w) => w.code)).toEqual(["YAML_DUPLICATE_KEY", "YAML_DUPLICATE_KEY"]);
    for (const [name, host] of full.hosts) {
      expect(fast.hosts.get(name)!.varLocations).toEqual(host.varLocations);
      expect(fast.hosts.get(name)!.location).toEqual(host.location);
    }
    expect(fast.groups.get("all")!.varLocations).toEqual(full.groups.get("all")!.varLocations);
    const vars = toAnsibleList(fast)._meta.hostvars.n1!;
    expect(vars.motd).toBe("Welcome\n# not a comment\n\nbye\n");
    expect(vars.banner).toBe("folded text\nnew paragraph");
    expect(vars.again).toBe("#!/bin/sh\necho hi");
    expect(toAnsibleList(fast)._meta.hostvars.n3).toMatchObject({ zone: "c", enabled: true, ip: "10.0.0.1" });
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
