/**
 * The text serializer: attributes, vectors, repeated DISK/NIC, and escaping that no user value can
 * break out of (docs/reference/opennebula/ISSUES.md #6). Every output is read back with parseTemplate, which follows oned's
 * lexer rule for rule, and with the XML form where the text syntax refuses a value.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { VmTemplate } from "../src/models/index.js";
import {
  parseTemplate,
  serializeTemplate,
  serializeTemplateXml,
  TemplateValueError,
} from "../src/template/index.js";
import { parseXmlDocument } from "../src/xml/index.js";

function valueErrorOf(run: () => unknown): TemplateValueError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateValueError);
    return error as TemplateValueError;
  }
  throw new Error("expected a TemplateValueError");
}

describe("serializeTemplate", () => {
  it("writes single attributes, vectors and repeated attributes", () => {
    const text = serializeTemplate({
      NAME: "web-01",
      CPU: 0.5,
      MEMORY: 2048,
      DISK: [{ IMAGE_ID: 3 }, { IMAGE: "data", IMAGE_UNAME: "alice", SIZE: "10240" }],
      NIC: { NETWORK_ID: 0 },
      DESCRIPTION: undefined,
    });
    expect(text).toBe(
      'NAME="web-01"\nCPU="0.5"\nMEMORY="2048"\n' +
        'DISK=[\n  IMAGE_ID="3"\n]\nDISK=[\n  IMAGE="data",\n  IMAGE_UNAME="alice",\n  SIZE="10240"\n]\n' +
        'NIC=[\n  NETWORK_ID="0"\n]\n',
    );
  });

  it("upper-cases names as oned does", () => {
    expect(parseTemplate(serializeTemplate({ name: "x", nic: { network: "lan" } }))).toEqual({
      NAME: "x",
      NIC: { NETWORK: "lan" },
    });
  });

  it("an empty template is an empty text", () => {
    expect(serializeTemplate({})).toBe("");
    expect(serializeTemplate({ DISK: [] })).toBe("");
  });
});

describe("a template read from oned can be changed and written back", () => {
  const sample = new URL("../../../docs/reference/opennebula/samples/vmtemplate.xml", import.meta.url);
  const template = VmTemplate.parse(parseXmlDocument(readFileSync(sample)).VMTEMPLATE).TEMPLATE;

  it("the reference VM template's TEMPLATE goes through the text syntax and back", () => {
    const text = serializeTemplate({ ...template, CPU: "2" });
    expect(text).toContain('  SSH_PUBLIC_KEY="$USER[SSH_PUBLIC_KEY]"');
    expect(parseTemplate(text)).toEqual({
      CONTEXT: { NETWORK: "YES", SET_HOSTNAME: "$NAME", SSH_PUBLIC_KEY: "$USER[SSH_PUBLIC_KEY]" },
      CPU: "2",
      DISK: { IMAGE_ID: "3", SIZE: "10240" },
      GRAPHICS: { LISTEN: "0.0.0.0", TYPE: "VNC" },
      HYPERVISOR: "kvm",
      LOGO: "images/logos/ubuntu.png",
      MEMORY: "2048",
      NIC: { NETWORK_ID: "0" },
      OS: { ARCH: "x86_64" },
      VCPU: "2",
    });
  });

  it("deeper nesting than a vector is refused at its path", () => {
    const error = valueErrorOf(() =>
      serializeTemplate({ ...template, OS: { ARCH: "x86_64", BOOT: { ORDER: "disk0" } } }),
    );
    expect(error.path).toEqual(["OS", "BOOT"]);
  });
});

describe("no value can inject an attribute", () => {
  const hostile = [
    'a & b <c> "d" $e',
    'x"\nCPU="64',
    'x", EVIL="1',
    "x]\nEVIL=[A=1]",
    'a\\"\nEVIL="2"',
    '\\\\"\\ x',
    'mid\\" q',
    "= , [ ] # ; ' `",
    "line1\nline2\n\n  # not a comment\nOWNER=root",
    "tab\tand\r\ncrlf",
    "]]>\nafter a newline",
    "C:\\temp\\",
    "trailing\\",
    "",
    " leading and trailing ",
    "ünïcödé 東京 😀",
  ];

  it.each(hostile)("%j stays one value, top level and inside a vector", (value) => {
    const text = serializeTemplate({ NAME: value, DISK: [{ IMAGE: value, SIZE: "1" }, { IMAGE_ID: "2" }] });
    expect(parseTemplate(text)).toEqual({
      NAME: value,
      DISK: [{ IMAGE: value, SIZE: "1" }, { IMAGE_ID: "2" }],
    });
  });

  it("a trailing backslash is written unquoted when the value needs no quotes", () => {
    expect(serializeTemplate({ PATH: "C:\\temp\\" })).toBe("PATH=C:\\temp\\\n");
  });

  it("names cannot carry syntax either", () => {
    for (const name of ["A=1", "A B", 'A"', "A\nB", "", "1ABC", "_X", "A-B", "Ä"]) {
      const error = valueErrorOf(() => serializeTemplate({ [name]: "x" }));
      expect(error.path).toEqual([name]);
      expect(error.code).toBe("TEMPLATE_VALUE");
    }
    expect(valueErrorOf(() => serializeTemplate({ DISK: { "SIZE=1,X": "2" } })).path).toEqual([
      "DISK",
      "SIZE=1,X",
    ]);
  });
});

describe("values oned cannot read back are refused, with the XML form as the way out", () => {
  it("a value ending in a backslash that needs quotes", () => {
    const error = valueErrorOf(() => serializeTemplate({ DISK: [{ IMAGE_ID: "1" }, { PATH: "a b\\" }] }));
    expect(error.path).toEqual(["DISK", 1, "PATH"]);
    expect(error.message).toContain("DISK[1].PATH");
    expect(error.message).toContain("backslash");
  });

  it('a one-line value holding "]]>" (oned aborts the parse)', () => {
    const error = valueErrorOf(() => serializeTemplate({ DESCRIPTION: "a]]>b" }));
    expect(error.path).toEqual(["DESCRIPTION"]);
  });

  it("both go through serializeTemplateXml intact", () => {
    const template = { DESCRIPTION: "a]]>b <c> & d\r\n", DISK: { PATH: "a b\\" } };
    const xml = serializeTemplateXml(template);
    expect(xml).toContain("<DESCRIPTION>a]]&gt;b &lt;c&gt; &amp; d&#13;\n</DESCRIPTION>");
    expect(parseXmlDocument(xml)).toEqual({ TEMPLATE: template });
  });
});

describe("bad input gets a TemplateValueError naming the place", () => {
  it.each([
    [{ CPU: Number.NaN }, ["CPU"], "finite"],
    [{ CPU: Number.POSITIVE_INFINITY }, ["CPU"], "finite"],
    [{ NAME: "nul\u0000byte" }, ["NAME"], "U+0000"],
    [{ NAME: "bell\u0007" }, ["NAME"], "U+0007"],
    [{ NAME: "lone \ud800 surrogate" }, ["NAME"], "U+D800"],
    [{ DISK: [{ IMAGE_ID: "1" }, {}] }, ["DISK", 1], "at least one key"],
    [{ SCHED_ACTION: { ACTION: undefined } }, ["SCHED_ACTION"], "at least one key"],
    [{ DISK: { SIZE: { GB: "1" } } }, ["DISK", "SIZE"], "nest one level"],
    [{ DISK: [[{ A: "1" }]] }, ["DISK", 0], "got an array"],
    [{ ON: true }, ["ON"], "got boolean"],
    [{ ON: null }, ["ON"], "got null"],
    [{ NAME: "x", name: "y" }, ["name"], "same name"],
    [{ DISK: { size: "1", SIZE: "2" } }, ["DISK", "SIZE"], "same name"],
  ])("%j", (input, path, words) => {
    const error = valueErrorOf(() => serializeTemplate(input as never));
    expect(error.path).toEqual(path);
    expect(error.message).toContain(words);
    // the XML form validates the same way
    expect(valueErrorOf(() => serializeTemplateXml(input as never)).path).toEqual(path);
  });

  it("a template that is not a plain object", () => {
    for (const input of [null, "NAME=x", ["NAME"], new Map()]) {
      expect(valueErrorOf(() => serializeTemplate(input as never)).path).toEqual([]);
    }
  });
});
