import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseXmlDocument, XmlSyntaxError } from "../src/xml/index.js";

const samples = new URL("../../../docs/reference/opennebula/samples/", import.meta.url);
const sample = (name: string) => readFileSync(new URL(name, samples));

function syntaxErrorOf(input: string | Uint8Array): XmlSyntaxError {
  try {
    parseXmlDocument(input);
  } catch (error) {
    expect(error).toBeInstanceOf(XmlSyntaxError);
    return error as XmlSyntaxError;
  }
  throw new Error("expected an XmlSyntaxError");
}

describe("parseXmlDocument", () => {
  it("turns elements into keys, repeated siblings into arrays, text and CDATA into strings", () => {
    const doc = parseXmlDocument(
      "<VM_POOL><VM><ID>7</ID><NAME><![CDATA[a & <b>]]></NAME><TEMPLATE><NIC><IP>10.0.0.1</IP></NIC>" +
        "<NIC><IP>10.0.0.2</IP></NIC><DISK/></TEMPLATE></VM></VM_POOL>",
    );
    expect(doc).toEqual({
      VM_POOL: {
        VM: {
          ID: "7",
          NAME: "a & <b>",
          TEMPLATE: { NIC: [{ IP: "10.0.0.1" }, { IP: "10.0.0.2" }], DISK: "" },
        },
      },
    });
  });

  it("reads the reference pool sample from bytes", () => {
    const doc = parseXmlDocument(sample("vm_pool.xml"));
    const pool = doc.VM_POOL as Record<string, unknown>;
    const vms = pool.VM as Array<Record<string, unknown>>;
    expect(Array.isArray(vms)).toBe(true);
    expect(vms.length).toBeGreaterThan(1);
    for (const vm of vms) expect(vm.ID).toMatch(/^\d+$/);
  });

  it("reads the full VM sample with CDATA unwrapped and empty elements as empty strings", () => {
    const vm = parseXmlDocument(sample("vm.xml")).VM as unknown as {
      ID: string;
      NAME: string;
      MONITORING: { CPU: string; DISK_SIZE: unknown[] };
      SCHED_ACTIONS: string;
      TEMPLATE: { AUTOMATIC_REQUIREMENTS: string };
    };
    expect(vm.ID).toBe("42");
    expect(vm.NAME).toBe("web-01");
    expect(vm.MONITORING.CPU).toBe("3.5");
    expect(vm.MONITORING.DISK_SIZE).toHaveLength(2);
    expect(vm.SCHED_ACTIONS).toBe("");
    expect(vm.TEMPLATE.AUTOMATIC_REQUIREMENTS).toBe(
      "(CLUSTER_ID = 0) & !(PUBLIC_CLOUD = YES) & !(PIN_POLICY = PINNED)",
    );
  });

  it("decodes predefined entities and character references, concatenating text and CDATA", () => {
    expect(parseXmlDocument("<a>&lt;&gt;&amp;&quot;&apos;&#65;&#x1F600;<![CDATA[&lt;]]>z</a>")).toEqual({
      a: "<>&\"'A\u{1F600}&lt;z",
    });
  });

  it("accepts a declaration, comments, a BOM, whitespace and ignores attributes", () => {
    expect(
      parseXmlDocument(
        '\uFEFF<?xml version="1.0"?>\n<!-- c --><a x="1>2"><b  y=\'q\' >v</b ><!-- d --></a>\n',
      ),
    ).toEqual({ a: { b: "v" } });
  });

  it("keeps elements named like Object.prototype members as own data", () => {
    const doc = parseXmlDocument(
      "<a><constructor>1</constructor><__proto__>2</__proto__><__proto__>3</__proto__></a>",
    );
    const a = doc.a as Record<string, unknown>;
    expect(Object.getPrototypeOf(a)).toBe(Object.prototype);
    expect(Object.hasOwn(a, "constructor")).toBe(true);
    expect(a.constructor).toBe("1");
    expect(Object.getOwnPropertyDescriptor(a, "__proto__")?.value).toEqual(["2", "3"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ["<a><b></a>", "mismatched end tag: expected </b>", 1, 7],
    ["<a>\n<b>x</b>\n<c>", "unexpected end of document: <c> is not closed", 3, 4],
    ["<a>&foo;</a>", 'undefined entity "&foo;" (DTDs are not supported)', 1, 4],
    ["<a>&#0;</a>", 'invalid character reference "&#0;"', 1, 4],
    ["<a>x</a>y", "content after the root element", 1, 9],
    ["<a/><b/>", "content after the root element", 1, 5],
    ["", "no root element", 1, 1],
    ["text", "text outside the root element", 1, 1],
    ["<a><![CDATA[x</a>", "unterminated CDATA section", 1, 4],
    ["<a><1/></a>", "expected an element name after '<'", 1, 4],
    ["<a>x</ab>", "mismatched end tag: expected </a>", 1, 5],
    ["<a&b/>", "invalid character in an element name", 1, 3],
    ['<a x="1></a>', "unterminated start tag <a>", 1, 1],
  ])("reports %j precisely", (input, reason, line, column) => {
    const error = syntaxErrorOf(input);
    expect(error.reason).toBe(reason);
    expect([error.line, error.column]).toEqual([line, column]);
    expect(error.message).toBe(`${reason} at line ${line}, column ${column}`);
  });

  it("rejects a DOCTYPE and so never expands an entity bomb", () => {
    const bomb =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>' +
      "<lolz>&lol2;</lolz>";
    expect(syntaxErrorOf(bomb).reason).toBe("DOCTYPE is not allowed (no DTDs, no entity expansion)");
  });

  it("reports invalid UTF-8 with its byte offset, line and column", () => {
    const bytes = new Uint8Array([...Buffer.from("<a>\né"), 0xff, ...Buffer.from("</a>")]);
    const error = syntaxErrorOf(bytes);
    expect(error.reason).toBe("invalid UTF-8 (byte 0xff at byte offset 6)");
    expect([error.offset, error.line, error.column]).toEqual([6, 2, 2]);
  });

  it("decodes multi-byte UTF-8 in text, CDATA, entities and element names from bytes", () => {
    const xml =
      "<VM><NAME>Zürich &amp; 東京</NAME><NOTE><![CDATA[Größe \u{1F600}]]></NOTE><é>ok</é><ID>1</ID></VM>";
    expect(parseXmlDocument(Buffer.from(xml, "utf8"))).toEqual({
      VM: { NAME: "Zürich & 東京", NOTE: "Größe \u{1F600}", é: "ok", ID: "1" },
    });
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("<a>ü</a>")]);
    expect(parseXmlDocument(bom)).toEqual({ a: "ü" });
    const error = syntaxErrorOf(Buffer.from("<a>ü\n<b>ä</c></a>", "utf8"));
    expect([error.reason, error.line, error.column]).toEqual(["mismatched end tag: expected </b>", 2, 5]);
  });

  it("rejects overlong and surrogate UTF-8 sequences", () => {
    expect(syntaxErrorOf(new Uint8Array([0x3c, 0x61, 0x3e, 0xc0, 0xaf])).offset).toBe(3);
    expect(syntaxErrorOf(new Uint8Array([0x3c, 0x61, 0x3e, 0xed, 0xa0, 0x80])).offset).toBe(3);
  });

  it("parses deep nesting without recursion", () => {
    const depth = 100_000;
    const xml = "<a>".repeat(depth) + "x" + "</a>".repeat(depth);
    let node: unknown = parseXmlDocument(xml);
    for (let i = 0; i < depth; i++) node = (node as Record<string, unknown>).a;
    expect(node).toBe("x");
  });
});
