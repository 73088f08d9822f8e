import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { EXIT, main } from "../src/cli.js";
import { parseInventory } from "../src/index.js";

const DIR = join(import.meta.dirname, "../../../docs/reference/kubespray/inventories");
const tmp = mkdtempSync(join(tmpdir(), "ks-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe("kubespray-inventory CLI", () => {
  test("list prints ansible-inventory's JSON", async () => {
    const r = await run("list", join(DIR, "ks-v2.31.0-docs-inventory.ini"));
    expect(r.code).toBe(EXIT.OK);
    expect(r.stdout).toMatch(/^\{\n {4}"_meta": \{\n {8}"hostvars": \{/);
    expect(JSON.parse(r.stdout).kube_control_plane).toEqual({ hosts: ["node1", "node2"] });
  });

  test("validate: exit 1 with findings, file:line and rule; --json", async () => {
    const r = await run("validate", join(DIR, "ks-v2.31.0-sample", "inventory.ini"));
    expect(r.code).toBe(EXIT.FINDINGS);
    // the directory, read as ansible-inventory -i DIR reads it, has no inventory: *.ini is ignored there
    const dir = await run("validate", join(DIR, "ks-v2.31.0-sample"));
    expect(dir.code).toBe(EXIT.INPUT);
    expect(dir.stderr + dir.stdout).toMatch(
      /inventory\.ini is skipped: ansible-inventory -i DIR ignores \*\.ini/,
    );
    expect(r.stdout).toMatch(/inventory\.ini:9:1: error KS_CONTROL_PLANE_EMPTY/);
    expect(r.stdout).toMatch(/rule: roles\/validate_inventory/);
    const j = await run("validate", "--json", join(DIR, "ks-pr10362-builder-output.yaml"));
    expect(j.code).toBe(EXIT.OK);
    expect(JSON.parse(j.stdout)).toMatchObject({ ok: true, errors: 0 });
    const strict = await run("validate", "--strict", join(DIR, "elastichomelab-etcd-on-worker.yaml"));
    expect(strict.code).toBe(EXIT.FINDINGS);
  });

  test("unreadable input: exit 2 with line and hint; --json gives the error object", async () => {
    const r = await run("list", join(DIR, "issue2767-yaml-in-ini-file.ini"));
    expect(r.code).toBe(EXIT.INPUT);
    expect(r.stderr).toMatch(/issue2767-yaml-in-ini-file\.ini:1:4: Invalid host pattern 'all:'/);
    const j = await run("validate", "--json", join(DIR, "issue4681-undefined-child-group.ini"));
    expect(j.code).toBe(EXIT.INPUT);
    expect(JSON.parse(j.stdout).error).toMatchObject({
      code: "INI_UNDEFINED_CHILD_GROUP",
      line: 27,
      column: 1,
    });
    expect((await run("list", join(tmp, "missing.ini"))).code).toBe(EXIT.INPUT);
  });

  test("usage errors: exit 64", async () => {
    expect((await run()).code).toBe(EXIT.USAGE);
    expect((await run("frobnicate", "x")).code).toBe(EXIT.USAGE);
    expect((await run("list", "--bogus", "x")).code).toBe(EXIT.USAGE);
    expect((await run("convert", "--to", "toml", join(DIR, "ks-dind-hosts.ini"))).code).toBe(EXIT.USAGE);
    expect((await run("--help")).code).toBe(EXIT.OK);
  });

  test("migrate reports the renames and writes current names only", async () => {
    const out = join(tmp, "migrated.ini");
    const r = await run("migrate", join(DIR, "ks-v2.15.0-docs-legacy.ini"), "-o", out);
    expect(r.code).toBe(EXIT.OK);
    expect(r.stderr).toMatch(/renamed legacy group kube-master to kube_control_plane/);
    const inv = parseInventory(readFileSync(out, "utf8"), { format: "ini" });
    expect([...inv.groups.keys()]).not.toContain("kube-master");
    // the order written in [k8s-cluster:children] is kept
    expect(inv.groups.get("k8s_cluster")!.children).toEqual(["kube_node", "kube_control_plane"]);
    const j = await run("migrate", "--json", join(DIR, "ks-v2.15.0-docs-legacy.ini"));
    expect(
      JSON.parse(j.stdout)
        .changes.map((c: { from?: string }) => c.from)
        .filter(Boolean),
    ).toEqual(["kube-master", "kube-node", "k8s-cluster"]);
  });

  test("convert INI → YAML", async () => {
    const r = await run("convert", "--to", "yaml", join(DIR, "ks-pr9918-bastion.ini"));
    expect(r.code).toBe(EXIT.OK);
    expect(r.stdout).toMatch(/^all:\n {2}hosts:\n {4}cpu1:\n/);
  });

  test("build, then build --update appends a VM with a minimal edit", async () => {
    const vms = join(tmp, "vms.json");
    const inv = join(tmp, "hosts.yaml");
    writeFileSync(
      vms,
      JSON.stringify([1, 2, 3].map((i) => ({ name: `node${i}`, nics: [{ ip: `10.0.0.${i}` }] }))),
    );
    expect((await run("build", vms, "-o", inv)).code).toBe(EXIT.OK);
    const before = readFileSync(inv, "utf8");
    writeFileSync(
      vms,
      JSON.stringify([1, 2, 3, 4].map((i) => ({ name: `node${i}`, nics: [{ ip: `10.0.0.${i}` }] }))),
    );
    const r = await run("build", vms, "--update", inv, "--json");
    expect(r.code).toBe(EXIT.OK);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, added: ["node4"], removed: [] });
    const after = readFileSync(inv, "utf8");
    expect(
      after
        .split("\n")
        .filter((l) => !before.split("\n").includes(l))
        .every((l) => /node4|10\.0\.0\.4/.test(l)),
    ).toBe(true);
    writeFileSync(vms, "{not json");
    expect((await run("build", vms)).code).toBe(EXIT.INPUT);
  });
});
