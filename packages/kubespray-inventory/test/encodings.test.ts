/**
 * Encodings and byte-level oddities of inventory files, read as Debian's ansible-core 2.14 reads them.
 * The reasons below are the ones ansible-inventory printed for the same bytes (the fixtures of
 * conformance/kubespray/fixtures/encodings/, where the real ansible-inventory checks them each run).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { EXIT, main } from "../src/cli.js";
import { InventoryParseError, readInventory, toAnsibleJson, toAnsibleList } from "../src/index.js";
import { decodeSurrogateEscape } from "../src/text.js";

const tmp = mkdtempSync(join(tmpdir(), "ks-enc-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const INI =
  "[kube_control_plane]\ncp1 ansible_host=10.0.0.1 ip=10.0.0.1\n\n[etcd:children]\nkube_control_plane\n\n" +
  "[kube_node]\nw1 ansible_host=10.0.0.2 note=hello\n\n[k8s_cluster:children]\nkube_control_plane\nkube_node\n";
const YAML =
  "all:\n  children:\n    kube_control_plane:\n      hosts:\n        cp1:\n          ansible_host: 10.0.0.1\n" +
  "    kube_node:\n      hosts:\n        w1:\n          note: hello\n";

/** Writes `bytes` as `name` in a fresh folder and returns the path. */
let n = 0;
function file(name: string, ...parts: Array<string | number[] | Uint8Array>): string {
  const dir = join(tmp, String(n++));
  mkdirSync(dir);
  const path = join(dir, name);
  writeFileSync(
    path,
    Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : Buffer.from(p)))),
  );
  return path;
}

/** `base` with the UTF-8 of `old` replaced by `replacement` bytes. */
function edit(base: string, old: string, ...replacement: Array<string | number[]>): Array<string | number[]> {
  const at = base.indexOf(old);
  if (at < 0) throw new Error(`${old} not in base`);
  return [base.slice(0, at), ...replacement, base.slice(at + old.length)];
}

function refusal(path: string): InventoryParseError {
  try {
    readInventory(path);
  } catch (e) {
    if (e instanceof InventoryParseError) return e;
    throw e;
  }
  throw new Error(`expected ${path} to be refused`);
}

const BOM = [0xef, 0xbb, 0xbf];

describe("decoding as Python's bytes.decode('utf-8', 'surrogateescape')", () => {
  test("valid UTF-8 (a BOM included) is decoded as it is", () => {
    expect(decodeSurrogateEscape(Buffer.from("\ufeffcafé 😀"))).toBe("\ufeffcafé 😀");
  });
  test("each byte outside a valid sequence becomes U+DC00 + byte", () => {
    const cases: Array<[number[], string]> = [
      [[0x63, 0xe9], "c\udce9"], // Latin-1
      [[0xc0, 0xaf], "\udcc0\udcaf"], // overlong '/'
      [[0xed, 0xa0, 0x80], "\udced\udca0\udc80"], // an encoded surrogate
      [[0xf4, 0x90, 0x80, 0x80], "\udcf4\udc90\udc80\udc80"], // above U+10FFFF
      [[0x61, 0xe2, 0x82], "a\udce2\udc82"], // cut short at the end
      [[0xe2, 0x82, 0x41], "\udce2\udc82A"], // cut short by an ASCII byte, which is kept
      [[0x80, 0xc3, 0xa9], "\udc80é"], // a stray continuation byte before a valid sequence
    ];
    for (const [bytes, text] of cases) expect(decodeSurrogateEscape(Uint8Array.from(bytes))).toBe(text);
  });
});

describe("INI files: Ansible's ini plugin reads whatever the bytes decode to", () => {
  test("a UTF-8 BOM is not skipped: '\\ufeff[group]' is a host pattern with a bad range", () => {
    const e = refusal(file("hosts.ini", BOM, INI));
    expect(e.code).toBe("INI_HOST_RANGE");
    expect(e.message).toContain("host range must be begin:end or begin:end:step");
    expect(e.line).toBe(1);
  });

  test("UTF-16 and UTF-32 files are refused for the same reason (their BOM bytes are not UTF-8)", () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(INI, "utf16le")]);
    expect(refusal(file("hosts.ini", utf16)).message).toContain(
      "host range must be begin:end or begin:end:step",
    );
    expect(refusal(file("hosts.ini", Buffer.from(INI, "utf16le"))).code).toBe("INI_HOST_RANGE");
  });

  test("a BOM before a comment makes a host named '\\ufeff' (shlex ends the word at '#')", () => {
    const list = toAnsibleList(readInventory(file("hosts.ini", BOM, "# cluster\n", INI)));
    expect(list.ungrouped).toEqual({ hosts: ["\ufeff"] });
  });

  test("Latin-1 bytes are accepted as Ansible accepts them, printed as '?', with a warning", () => {
    const inv = readInventory(file("hosts.ini", ...edit(INI, "hello", "caf", [0xe9])));
    expect(inv.hosts.get("w1")?.vars.note).toBe("caf\udce9");
    expect(JSON.parse(toAnsibleJson(toAnsibleList(inv)))._meta.hostvars.w1.note).toBe("caf?");
    expect(inv.warnings).toEqual([
      expect.objectContaining({ code: "INVENTORY_NOT_UTF8", location: expect.objectContaining({ line: 8 }) }),
    ]);
  });

  test("keys with undecodable bytes sort by the surrogate, then print as '?'", () => {
    const text = toAnsibleJson({ "w\udce91": 1, "w\u00ff": 2, w1: 3 });
    expect(text).toBe('{\n    "w1": 3,\n    "wÿ": 2,\n    "w?1": 1\n}');
    // a literal backslash-u text is not mistaken for one
    expect(toAnsibleJson({ a: "\\udce9" })).toBe('{\n    "a": "\\\\udce9"\n}');
  });

  test("bytes cut short at the end make a child group that does not exist (Ansible: '??')", () => {
    const e = refusal(file("hosts.ini", INI, [0xe2, 0x82]));
    expect(e.code).toBe("INI_UNDEFINED_CHILD_GROUP");
    expect(e.message).toContain("Section [k8s_cluster:children] includes undefined group: \udce2\udc82");
    expect(e.line).toBe(13);
  });

  test("a NUL at the end is a child group named NUL", () => {
    const e = refusal(file("hosts.ini", INI, [0]));
    expect(e.message).toContain("includes undefined group: \u0000");
  });
});

describe("YAML files: refused where Ansible's loader (json, then libyaml) refuses them, with its reason", () => {
  test("bytes that are not UTF-8: Python's UnicodeEncodeError, position in code points", () => {
    const one = refusal(file("hosts.yaml", ...edit(YAML, "hello", "caf", [0xe9])));
    expect(one.code).toBe("INVENTORY_NOT_UTF8");
    expect(one.message).toContain(
      "'utf-8' codec can't encode character '\\udce9' in position 159: surrogates not allowed",
    );
    expect([one.line, one.column]).toEqual([10, 20]);
    const run = refusal(file("hosts.yaml", ...edit(YAML, "hello", "a", [0xc0, 0xaf], "b")));
    expect(run.message).toContain("can't encode characters in position 157-158: surrogates not allowed");
    // an astral character before counts once, as in Python
    const astral = refusal(file("hosts.yaml", ...edit(YAML, "hello", "😀 ", [0xe9, 0xe8])));
    expect(astral.message).toContain("in position 158-159");
    const utf16 = refusal(file("hosts.yaml", [0xff, 0xfe], Buffer.from(YAML, "utf16le")));
    expect(utf16.message).toContain("can't encode characters in position 0-1: surrogates not allowed");
  });

  test("control characters anywhere: libyaml's reader, position in UTF-8 bytes", () => {
    for (const [char, code] of [
      ["\u001b", "001b"],
      ["\u0000", "0000"],
      ["\u007f", "007f"],
      ["\u0080", "0080"],
      ["\u000b", "000b"],
      ["\ufffe", "fffe"],
    ] as const) {
      const e = refusal(file("hosts.yaml", ...edit(YAML, "hello", `he${char}llo`)));
      expect(e.code).toBe("YAML_CONTROL_CHARACTER");
      expect(e.message).toContain(
        `unacceptable character #x${code}: control characters are not allowed (position 158)`,
      );
      expect([e.line, e.column]).toEqual([10, 19]);
    }
  });

  test("tabs as indentation: libyaml cannot start a token with them", () => {
    const e = refusal(file("hosts.yaml", YAML.replace(/\n {2}/g, "\n\t")));
    expect(e.message).toContain("found character that cannot start any token");
    expect([e.line, e.column]).toEqual([2, 1]);
  });

  test("NEL and LINE SEPARATOR break lines; libyaml marks the next token", () => {
    for (const br of ["\u0085", "\u2028"]) {
      const e = refusal(file("hosts.yaml", ...edit(YAML, "hello", `he${br}llo`)));
      expect(e.message).toContain("could not find expected ':'");
      expect([e.line, e.column]).toEqual([12, 1]);
    }
  });

  test("a BOM at a line start counts as a column of indentation", () => {
    const e = refusal(file("hosts.yaml", ...edit(YAML, "    kube_node:", BOM, "    kube_node:")));
    expect(e.message).toContain("did not find expected key");
    expect([e.line, e.column]).toEqual([7, 6]);
    const ok = readInventory(file("hosts.yaml", ...edit(YAML, "    kube_node:", BOM, "   kube_node:")));
    expect(ok.groups.get("kube_node")?.hosts).toEqual(["w1"]);
  });

  test("accepted as Ansible accepts them", () => {
    const cr = readInventory(file("hosts.yaml", YAML.replace(/\n/g, "\r")));
    expect(cr.hosts.get("w1")?.vars.note).toBe("hello");
    const nbsp = readInventory(file("hosts.yaml", ...edit(YAML, "hello", "hello\u00a0")));
    expect(nbsp.hosts.get("w1")?.vars.note).toBe("hello\u00a0");
    const bom = readInventory(file("hosts.yaml", BOM, YAML));
    expect([...bom.hosts.keys()]).toEqual(["cp1", "w1"]);
    // JSON is tried first: a DEL in a JSON string never reaches libyaml
    const json = readInventory(file("hosts.json", '{"all": {"hosts": {"h1": {"note": "a\u007fb"}}}}\n'));
    expect(json.hosts.get("h1")?.vars.note).toBe("a\u007fb");
  });

  test("the ini plugin comes after the yaml one: an empty or INI-shaped .yaml file is read as INI", () => {
    expect([...readInventory(file("hosts.yaml", "")).hosts.keys()]).toEqual([]);
    expect([...readInventory(file("hosts.yaml", INI)).hosts.keys()]).toEqual(["cp1", "w1"]);
    // when INI fails too, the YAML reason is the one given
    expect(refusal(file("hosts.yaml", "all:\n\thosts:\n")).message).toContain(
      "found character that cannot start any token",
    );
  });

  test("group_vars files are loaded the same way", () => {
    const inv = file("hosts.yaml", YAML);
    const dir = join(inv, "..", "group_vars");
    mkdirSync(dir);
    writeFileSync(join(dir, "all.yml"), Buffer.concat([Buffer.from("x: caf"), Buffer.from([0xe9, 0x0a])]));
    const e = refusal(inv);
    expect(e.code).toBe("INVENTORY_NOT_UTF8");
    expect(e.file).toBe(join(dir, "all.yml"));
  });
});

describe("CLI", () => {
  async function run(...argv: string[]) {
    let stdout = "";
    let stderr = "";
    const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    return { code, stdout, stderr };
  }
  test("list prints an undecodable byte as '?'; an error naming one too", async () => {
    const ok = await run("list", file("hosts.ini", ...edit(INI, "hello", "caf", [0xe9])));
    expect(ok.code).toBe(EXIT.OK);
    expect(ok.stdout).toContain('"note": "caf?"');
    const bad = await run("list", file("hosts.ini", INI, [0xe2, 0x82]));
    expect(bad.code).toBe(EXIT.INPUT);
    expect(bad.stderr).toContain("includes undefined group: ??");
  });
  test("list refuses a BOM-prefixed INI file as ansible-inventory does", async () => {
    const r = await run("list", file("inventory.ini", BOM, INI));
    expect(r.code).toBe(EXIT.INPUT);
    expect(r.stderr).toContain("host range must be begin:end or begin:end:step");
  });
});
