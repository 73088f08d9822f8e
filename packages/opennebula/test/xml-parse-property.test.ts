import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isXmlChar } from "../src/xml/entities.js";
import { parseXmlDocument, type RawXmlObject, XmlSyntaxError } from "../src/xml/index.js";
import { decodeOpenNebulaResponse } from "../src/xmlrpc/envelope.js";
import { EscapedXmlText } from "../src/xmlrpc/escaped-text.js";
import { success, xmlEscape } from "./helpers/xmlrpc-server.js";

const names = fc.constantFrom(
  "VM",
  "ID",
  "NAME",
  "NIC",
  "IP",
  "DISK",
  "TEMPLATE",
  "A_B",
  "x-1",
  "constructor",
  "__proto__",
);
const text = fc
  .array(
    fc.oneof(
      fc.constantFrom("<", ">", "&", "]]>", "&amp;", '"', "'", " ", "\n", "é", "\u{1F600}", "<![CDATA["),
      fc.string({ unit: "binary", maxLength: 4 }),
    ),
    { maxLength: 5 },
  )
  .map((parts) =>
    Array.from(parts.join(""), (ch) => (isXmlChar(ch.codePointAt(0)!) && ch !== "\r" ? ch : "?")).join(""),
  )
  .filter((s) => s.trim() === s || s.trim() !== ""); // whitespace-only leaves are kept as they are

const sampleVm = () =>
  readFileSync(new URL("../../../docs/reference/opennebula/samples/vm.xml", import.meta.url), "utf8");

/** `doc` with `remove` characters at `at` replaced by one of `inserts`. */
const damagedOf = (doc: string, inserts: string[]) =>
  fc
    .tuple(
      fc.integer({ min: 0, max: doc.length - 1 }),
      fc.integer({ min: 0, max: 20 }),
      fc.constantFrom(...inserts),
    )
    .map(([at, remove, insert]) => doc.slice(0, at) + insert + doc.slice(at + remove));

type Tree = { [name: string]: string | Tree | Array<string | Tree> };

/** Element trees in the raw XML object shape: repeated names as arrays of 2+. */
const { tree } = fc.letrec<{ tree: Tree; node: string | Tree }>((tie) => ({
  node: fc.oneof({ depthSize: "small" }, text, tie("tree")),
  tree: fc
    .array(fc.tuple(names, fc.array(tie("node"), { minLength: 1, maxLength: 3 })), {
      minLength: 1,
      maxLength: 4,
    })
    .map((entries) => {
      const out: Tree = {};
      for (const [name, values] of entries) {
        if (Object.hasOwn(out, name)) continue;
        Object.defineProperty(out, name, {
          value: values.length === 1 ? values[0]! : values,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }),
}));

/** Writes text one of three legal ways: escaped, CDATA (split around "]]>"), or character references. */
function writeText(value: string, style: number): string {
  if (value === "") return "";
  if (style === 0) return value.replace(/[&<>]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;" })[c]!);
  if (style === 1) return `<![CDATA[${value.replaceAll("]]>", "]]]]><![CDATA[>")}]]>`;
  return Array.from(value, (ch) => `&#x${ch.codePointAt(0)!.toString(16)};`).join("");
}

function write(tree: Tree, style: number): string {
  let out = "";
  for (const [name, value] of Object.entries(tree)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item === "string")
        out += item === "" && style === 1 ? `<${name}/>` : `<${name}>${writeText(item, style)}</${name}>`;
      else out += `<${name}>\n  ${write(item, style)}\n</${name}>`;
    }
  }
  return out;
}

/** Trees whose every object has at least one child (an empty element reads back as ""). */
function readable(node: Tree | string): boolean {
  if (typeof node === "string") return true;
  const values = Object.values(node).flatMap((v) => (Array.isArray(v) ? v : [v]));
  return values.length > 0 && values.every(readable);
}

describe("parseXmlDocument properties", () => {
  it("reads back every element tree, whichever way its text is written", () => {
    fc.assert(
      fc.property(tree.filter(readable), fc.integer({ min: 0, max: 2 }), (body, style) => {
        const doc = parseXmlDocument(`<ROOT>${write(body, style)}</ROOT>`);
        expect(doc).toEqual({ ROOT: body });
      }),
      { numRuns: 400 },
    );
  });

  it("reads the same tree from UTF-8 bytes (scanned as their Latin-1 view) as from the text", () => {
    fc.assert(
      fc.property(tree.filter(readable), fc.integer({ min: 0, max: 2 }), (body, style) => {
        const xml = `<ROOT>${write(body, style)}<NOTE>é \u{1F600}</NOTE></ROOT>`;
        expect(parseXmlDocument(Buffer.from(xml, "utf8"))).toEqual(parseXmlDocument(xml));
      }),
      { numRuns: 400 },
    );
  });

  it("damaged UTF-8 documents: the bytes give the value or the exact error the text gives", () => {
    const vm = sampleVm().replace("<NAME>", "<NAME>Zürich 東京 ");
    const inserts = ["", "<", ">", "&", "]]>", "<![CDATA[", "</VM>", "&#0;", "<é>", "</é>", "<!DOCTYPE x>"];
    fc.assert(
      fc.property(damagedOf(vm, inserts), (damaged) => {
        const outcome = (input: string | Uint8Array) => {
          try {
            return parseXmlDocument(input);
          } catch (error) {
            expect(error).toBeInstanceOf(XmlSyntaxError);
            const { reason, offset, line, column } = error as XmlSyntaxError;
            return { reason, offset, line, column };
          }
        };
        expect(outcome(Buffer.from(damaged, "utf8"))).toEqual(outcome(damaged));
      }),
      { numRuns: 1000 },
    );
  });

  it("reads the same tree from the escaped envelope (fast path or its fallback)", () => {
    fc.assert(
      fc.property(tree.filter(readable), fc.integer({ min: 0, max: 2 }), (body, style) => {
        const xml = `<ROOT>${write(body, style)}</ROOT>`;
        const padded = `${xml}${" ".repeat(70_000)}`; // long enough to stay escaped
        const value = decodeOpenNebulaResponse(
          success(`<value><string>${xmlEscape(padded)}</string></value>`),
          "m",
        );
        expect(value).toBeInstanceOf(EscapedXmlText);
        expect((value as EscapedXmlText).parseDocument()).toEqual({ ROOT: body } as RawXmlObject);
      }),
      { numRuns: 60 },
    );
  });

  it("never crashes on damaged documents: a value or an XmlSyntaxError", () => {
    const inserts = [
      "",
      "<",
      ">",
      "&",
      "]]>",
      "<!--",
      "<![CDATA[",
      "</VM>",
      "&#0;",
      "\uFFFF",
      "<!DOCTYPE x>",
    ];
    fc.assert(
      fc.property(damagedOf(sampleVm(), inserts), (damaged) => {
        try {
          parseXmlDocument(damaged);
        } catch (error) {
          expect(error).toBeInstanceOf(XmlSyntaxError);
          const { line, column } = error as XmlSyntaxError;
          expect(line).toBeGreaterThanOrEqual(1);
          expect(column).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
