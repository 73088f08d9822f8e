/**
 * The emulator's XML reader under hostile input (opennebula/xml.ts): budgets on depth, elements and
 * references, slices that give the same tree whatever their size, and XML-RPC number texts refused
 * by length before any conversion, with answers that never repeat the input.
 */
import { answerXmlRpc, createOpenNebulaEmulator } from "@homelab-kit/emulator/opennebula";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  parseXml,
  parseXmlYielding,
  XML_STEP_CHARS,
  type XmlElement,
  XmlReader,
  XmlSyntaxError,
} from "../src/opennebula/xml.js";

const encoder = new TextEncoder();

/** Parses in slices of `chars` characters (the reader rounds tiny slices up to a few references). */
function parseInSlices(text: string, chars: number): XmlElement {
  const reader = new XmlReader(text);
  for (;;) {
    const root = reader.step(chars);
    if (root !== undefined) return root;
  }
}

/** Text and markup the reader takes inside an element: plain text, references, CDATA, comments. */
const inline = fc.oneof(
  fc.string().map((t) => t.replace(/[&<>\]\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "")),
  fc.constantFrom("&amp;", "&lt;", "&#233;", "&#x1F600;", "<![CDATA[<not> & markup]]>", "<!-- note -->", " "),
  // Long runs of character data, so slices end inside them (and next to references).
  fc
    .array(fc.constantFrom("&amp;", "x", "&#233;", "yz", "&#x10FFFF;"), { maxLength: 300 })
    .map((a) => a.join("")),
);

function elementOf(children: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.constantFrom("a", "value", "methodCall", "x.y-z", "ns:el"),
      fc.array(children, { maxLength: 5 }),
    )
    .map(([name, parts]) => `<${name}>${parts.join("")}</${name}>`);
}

/** Small documents, three levels deep, with every construct the reader takes. */
const documents = elementOf(fc.oneof(inline, elementOf(fc.oneof(inline, elementOf(inline)))));

describe("the emulator's XML reader", () => {
  it("gives the same tree read at once or in slices of any size", () => {
    fc.assert(
      fc.property(documents, fc.integer({ min: 1, max: 200 }), (doc, chars) => {
        expect(parseInSlices(doc, chars)).toEqual(parseXml(doc));
      }),
      { numRuns: 400 },
    );
  });

  it("throws nothing but XmlSyntaxError on any text", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          documents.map((d) => d.slice(0, -3)),
          documents.chain((d) => fc.nat(d.length).map((at) => `${d.slice(0, at)}&${d.slice(at)}`)),
        ),
        (text) => {
          try {
            parseXml(text);
          } catch (error) {
            expect(error).toBeInstanceOf(XmlSyntaxError);
          }
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it("enforces its budgets: depth, elements, references", () => {
    expect(() => parseXml(`${"<a>".repeat(66)}${"</a>".repeat(66)}`)).toThrow(/nested deeper than 64/);
    expect(() => parseXml(`<r>${"<e/>".repeat(11)}</r>`, { maxElements: 10 })).toThrow(
      /more than 10 elements/,
    );
    expect(() => parseXml(`<r>${"&amp;".repeat(11)}</r>`, { maxReferences: 10 })).toThrow(
      /more than 10 entity references/,
    );
    expect(() => parseXml('<!DOCTYPE r [<!ENTITY a "aaaa">]><r>&a;</r>')).toThrow(/DOCTYPE/);
    expect(() => parseXml("<r>&#99999999;</r>")).toThrow(XmlSyntaxError);
  });

  it("lets the event loop run between slices of a large document", async () => {
    const text = `<r>${"&amp;".repeat(2 * XML_STEP_CHARS)}</r>`;
    let turns = 0;
    const ticking = setInterval(() => turns++, 0);
    const root = await parseXmlYielding(text);
    clearInterval(ticking);
    expect(root.text.length).toBe(2 * XML_STEP_CHARS);
    expect(turns).toBeGreaterThan(0);
  });
});

describe("XML-RPC under hostile input", () => {
  const state = createOpenNebulaEmulator().state;
  const call = (param: string) =>
    `<?xml version="1.0"?><methodCall><methodName>one.user.info</methodName><params><param><value><string>oneadmin:opennebula</string></value></param><param><value>${param}</value></param></params></methodCall>`;

  it("refuses a number text of a million digits before converting it, and does not echo it", () => {
    for (const type of ["i4", "int", "i8", "double"]) {
      const answer = answerXmlRpc(state, encoder.encode(call(`<${type}>${"9".repeat(1_000_000)}</${type}>`)));
      expect(answer).toContain("<name>faultCode</name>");
      expect(answer).toContain(`&lt;${type}&gt; holds 1000000 characters, more than a number needs`);
      expect(answer.length).toBeLessThan(1_000);
    }
  });

  it("answers a 4 MB string of &amp; (an authentication failure) with a short answer", () => {
    const body = encoder.encode(
      `<?xml version="1.0"?><methodCall><methodName>one.user.info</methodName><params><param><value><string>${"&amp;".repeat(800_000)}</string></value></param><param><value><i4>0</i4></value></param></params></methodCall>`,
    );
    const answer = answerXmlRpc(state, body);
    expect(answer).toContain("<i4>256</i4>"); // AUTHENTICATION
    expect(answer.length).toBeLessThan(2_000);
  });

  it("cuts an echoed method name to a bounded length", () => {
    const answer = answerXmlRpc(
      state,
      encoder.encode(`<methodCall><methodName>one.${"x".repeat(100_000)}</methodName></methodCall>`),
    );
    expect(answer).toContain("Method &apos;one.xxx".replace("&apos;", "'"));
    expect(answer.length).toBeLessThan(2_000);
  });
});
