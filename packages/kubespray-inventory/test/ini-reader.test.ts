import { describe, expect, test } from "vitest";
import { InventoryParseError, parseIniInventory, toAnsibleList } from "../src/index.js";

const list = (text: string) => toAnsibleList(parseIniInventory(text, { file: "t.ini" }));

function parseError(text: string): InventoryParseError {
  try {
    parseIniInventory(text, { file: "t.ini" });
  } catch (e) {
    if (e instanceof InventoryParseError) return e;
    throw e;
  }
  throw new Error("expected an InventoryParseError");
}

describe("INI reader (Ansible ini plugin semantics)", () => {
  test("hosts before any section are ungrouped only if they join no group", () => {
    const out = list("a ansible_host=1.2.3.4\nb\n[g]\na\n");
    expect(out.ungrouped).toEqual({ hosts: ["b"] });
    expect(out.g).toEqual({ hosts: ["a"] });
    expect(out.all).toEqual({ children: ["ungrouped", "g"] });
    expect(out._meta.hostvars).toEqual({ a: { ansible_host: "1.2.3.4" } });
  });

  test("children may be declared before the child group; empty groups vanish but stay in children", () => {
    const out = list("[k8s_cluster:children]\nkube_node\ncalico_rr\n[kube_node]\nn1\n[calico_rr]\n");
    expect(out.k8s_cluster).toEqual({ children: ["kube_node", "calico_rr"] });
    expect(out.calico_rr).toBeUndefined();
    expect(out.all).toEqual({ children: ["ungrouped", "k8s_cluster"] });
  });

  test("duplicated sections merge", () => {
    expect(list("[g]\na\n[h]\nb\n[g]\nc\n").g).toEqual({ hosts: ["a", "c"] });
  });

  test("host line typing: shlex removes quotes before literal_eval", () => {
    const v = list(`h a="1" b='"1"' c=True d=true e=yes f=0777 g=[1,2] h="x y" i=kv=a=b j=1.5 k=None`)._meta
      .hostvars.h;
    expect(v).toEqual({
      a: 1,
      b: "1",
      c: true,
      d: "true",
      e: "yes",
      f: "0777",
      g: [1, 2],
      h: "x y",
      i: "kv=a=b",
      j: 1.5,
      k: null,
    });
  });

  test(":vars typing: no shlex, comment only ignored when Python ignores it", () => {
    const v = list('[g]\nh\n[g:vars]\na = "1"\nb=1 # c\nc=abc # c\nd = spaced value\n')._meta.hostvars.h;
    expect(v).toEqual({ a: "1", b: 1, c: "abc # c", d: "spaced value" });
  });

  test("ports and ranges on host lines", () => {
    const out = list("[w]\nweb[1:2]:2222 x=1\n");
    expect(out.w).toEqual({ hosts: ["web1", "web2"] });
    expect(out._meta.hostvars.web1).toEqual({ ansible_port: 2222, x: 1 });
  });

  test("precedence: host var beats child group var beats parent group var beats all", () => {
    const text =
      "[p:children]\nc\n[c]\nh1 v=host\nh2\n[all:vars]\nv=all\nw=all\n[p:vars]\nv=p\nw=p\n[c:vars]\nv=c\n";
    const hv = list(text)._meta.hostvars;
    expect(hv.h1).toEqual({ v: "host", w: "p" });
    expect(hv.h2).toEqual({ v: "c", w: "p" });
  });

  test("a host named like a group puts its variables on the group (Ansible's set_variable)", () => {
    const inv = parseIniInventory("[bastion]\nbastion ansible_host=10.0.3.1\n");
    expect(inv.groups.get("bastion")!.vars).toEqual({ ansible_host: "10.0.3.1" });
    expect(inv.hosts.get("bastion")!.vars).toEqual({});
    expect(toAnsibleList(inv)._meta.hostvars.bastion).toEqual({ ansible_host: "10.0.3.1" });
  });

  test("CRLF, trailing blanks, no final newline, ; comments", () => {
    expect(list("; c\r\n[g]\r\nnode1 \t \r\nnode2").g).toEqual({ hosts: ["node1", "node2"] });
  });

  test("a commented-out variable on a host line is reported as a warning", () => {
    const inv = parseIniInventory("node1 ansible_host=1.1.1.1  # ip=10.3.0.1 etcd_member_name=etcd1\n");
    expect(inv.warnings.map((w) => w.code)).toEqual(["INI_VARS_IN_COMMENT"]);
    expect(inv.warnings[0]!.location).toMatchObject({ line: 1, column: 29 });
  });
});

describe("INI syntax errors carry code, line, column and hint", () => {
  test.each([
    ["all:\n  hosts:\n", "INI_HOST_PATTERN_COLON", 1, 4, /YAML/],
    ["[g]\nh ansible_host\n", "INI_HOST_EXPECTED_KV", 2, 3, /key=value/],
    ["[g]\nh a='x\n", "INI_HOST_QUOTING", 2, 5, /quote/],
    ["[g:hosts2]\n", "INI_SECTION_TYPE", 1, 4, /children/],
    ["[a b]\n", "INI_SECTION_INVALID", 1, 1, /spaces/],
    ["[g:vars]\nx=1\n", "INI_VARS_UNDEFINED_GROUP", 1, 1, /declare/],
    ["[g]\nh\n[g:vars]\nnovalue\n", "INI_VARS_EXPECTED_KV", 4, 1, /name=value/],
    ["[p:children]\nmissing\n", "INI_UNDEFINED_CHILD_GROUP", 2, 1, /declare \[missing\]/],
    ["[g:children]\na:b\n", "INI_CHILDREN_EXPECTED_GROUP", 2, 1, /group name/],
    ["[g]\nn[01:3]\n", "INI_HOST_RANGE", 2, 1, /ranges/],
    ["[g]\n---\n", "INI_HOST_PATTERN_YAML", 2, 1, /YAML/],
  ])("%j → %s", (text, code, line, column, hint) => {
    const e = parseError(text);
    expect(e.code).toBe(code);
    expect([e.line, e.column]).toEqual([line, column]);
    expect(e.hint).toMatch(hint);
    expect(e.message).toContain(`t.ini:${line}:${column}`);
  });

  test("a group loop is a parse error", () => {
    expect(parseError("[a:children]\nb\n[b:children]\na\n").code).toBe("INVENTORY_GROUP_LOOP");
  });
});
