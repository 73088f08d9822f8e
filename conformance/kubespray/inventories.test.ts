import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type AnsibleList,
  INVENTORY_FILE_NAMES,
  type Inventory,
  InventoryParseError,
  migrateInventory,
  readInventory,
  toAnsibleJson,
  toAnsibleList,
  writeIni,
  writeYaml,
} from "@homelab-kit/kubespray-inventory";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type AnsibleResult, ansibleList, ansibleListAll, cleanupAnsible } from "./ansible.js";

const DIR = join(import.meta.dirname, "../../docs/reference/kubespray/inventories");
const OUT = mkdtempSync(join(tmpdir(), "ks-conformance-"));
const names = readdirSync(DIR).sort();

/** `-i` target for a fixture: the file itself, or the inventory file inside a fixture directory. */
function sourceOf(name: string): string {
  const p = join(DIR, name);
  if (!statSync(p).isDirectory()) return p;
  const found = readdirSync(p).find((f) => INVENTORY_FILE_NAMES.includes(f));
  if (!found) throw new Error(`no inventory file in ${p}`);
  return join(p, found);
}

function withoutVarsFiles(inv: Inventory): Inventory {
  inv.groupVarsFiles.clear();
  inv.hostVarsFiles.clear();
  return inv;
}

/** Parsed JSON of our list, printed exactly as ansible-inventory prints it. */
const ours = (inv: Inventory): unknown => JSON.parse(toAnsibleJson(toAnsibleList(inv)));
const theirs = (r: AnsibleResult): unknown => JSON.parse(r.stdout);
const withoutAll = (list: unknown) => {
  const { all: _all, ...rest } = list as AnsibleList;
  return rest;
};

const written = new Map<string, { ini?: string; yaml?: string; expected?: unknown; writeError?: unknown }>();
let results = new Map<string, AnsibleResult>();

beforeAll(async () => {
  const files = names.map(sourceOf);
  for (const name of names) {
    let inv: Inventory;
    try {
      inv = readInventory(sourceOf(name));
    } catch {
      continue;
    }
    const dir = join(OUT, `${name}.out`);
    mkdirSync(dir, { recursive: true });
    const entry: { ini?: string; yaml?: string; expected?: unknown; writeError?: unknown } = {};
    try {
      entry.ini = join(dir, "inventory.ini");
      writeFileSync(entry.ini, writeIni(inv));
      entry.yaml = join(dir, "inventory.yaml");
      writeFileSync(entry.yaml, writeYaml(inv));
      entry.expected = withoutAll(ours(withoutVarsFiles(migrateInventory(inv).inventory)));
      files.push(entry.ini, entry.yaml);
    } catch (e) {
      entry.writeError = e;
    }
    written.set(name, entry);
  }
  results = await ansibleListAll(files);
});

afterAll(() => {
  rmSync(OUT, { recursive: true, force: true });
  cleanupAnsible();
});

describe("ansible-inventory --list vs toAnsibleList() on every reference inventory", () => {
  for (const name of names) {
    test(name, () => {
      const r = results.get(sourceOf(name))!;
      if (r.code !== 0) {
        // Ansible refused it: we must refuse it too, with a parse error naming the same problem.
        let err: unknown;
        try {
          readInventory(sourceOf(name));
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(InventoryParseError);
        const ansibleReason =
          /with ini plugin: (?:.*?:\d+: )?([^\n]+)/s.exec(r.stderr.replace(/\n/g, " "))?.[1] ?? "";
        const ourReason = (err as InventoryParseError).message.split("\n")[0]!.replace(/^.*?:\d+:\d+: /, "");
        expect(ansibleReason.replace(/\s+/g, " ")).toContain(ourReason.slice(0, 40));
        return;
      }
      const inv = readInventory(sourceOf(name));
      expect(ours(inv)).toEqual(theirs(r));
      // and the printed text is the same, byte for byte (key order, indentation, escaping)
      expect(toAnsibleJson(toAnsibleList(inv))).toBe(r.stdout.trimEnd());
    });
  }
  test("35 accepted, 2 rejected", () => {
    const codes = names.map((n) => results.get(sourceOf(n))!.code);
    expect(codes.filter((c) => c === 0).length).toBe(35);
    expect(codes.filter((c) => c !== 0).length).toBe(2);
  });
});

describe("written INI and YAML read back by ansible-inventory to the same result", () => {
  for (const name of names) {
    test(name, () => {
      const w = written.get(name);
      if (results.get(sourceOf(name))!.code !== 0) {
        expect(w).toBeUndefined();
        return;
      }
      expect(w?.writeError).toBeUndefined();
      for (const file of [w!.ini!, w!.yaml!]) {
        const r = results.get(file)!;
        expect(r.code, r.stderr).toBe(0);
        // Ansible reads what we wrote to the same hosts, groups and variables…
        expect(withoutAll(theirs(r))).toEqual(w!.expected);
        // …and our reader agrees with Ansible on our own output, `all` included.
        expect(ours(readInventory(file))).toEqual(theirs(r));
      }
    });
  }
});

describe("a directory as ansible-inventory -i DIR reads it", () => {
  test("every file not ignored, sorted, sub-directories included, merged into one inventory; *.ini skipped", async () => {
    const dir = join(OUT, "dir-source");
    const files: Record<string, string> = {
      "01-hosts.yaml":
        "all:\n  children:\n    kube_control_plane:\n      hosts:\n        cp1: {ip: 10.0.0.1}\n      vars: {x: 1}\n",
      "inventory.ini": "[kube_node]\nh9\n",
      "README.md": "[g]\nh7\n",
      ".hidden": "[g]\nh8\n",
      zz: "[kube_node]\nw1 ip=10.0.0.2\ncp1 ip=10.0.0.9 extra=True\n[kube_control_plane:vars]\nx=2\n",
      "sub/more.yml": "all:\n  hosts:\n    w2:\n  children:\n    kube_node:\n      hosts:\n        w0:\n",
      "broken.yaml": "all: [unclosed\n",
      "group_vars/all.yml": "v: 1\n",
      "group_vars/kube_node.yml": "role: worker\n",
    };
    for (const [f, text] of Object.entries(files)) {
      mkdirSync(join(dir, f, ".."), { recursive: true });
      writeFileSync(join(dir, f), text);
    }
    const r = await ansibleList(dir);
    expect(r.code, r.stderr).toBe(0);
    const inv = readInventory(dir);
    expect(ours(inv)).toEqual(theirs(r));
    expect(toAnsibleJson(toAnsibleList(inv))).toBe(r.stdout.trimEnd());
    expect(inv.hosts.has("h9")).toBe(false);
    // Ansible warns about the file it could not parse; so do we, and about the skipped inventory.ini
    expect(r.stderr).toMatch(/broken\.yaml/);
    expect(inv.warnings.map((w) => w.code).sort()).toEqual([
      "INVENTORY_INI_SKIPPED",
      "INVENTORY_SOURCE_UNPARSED",
    ]);
  });
});
