/**
 * Property tests: parse(serialize(x)) deep-equals x for every template the text syntax can hold,
 * the serializer never emits text that reads back differently (it refuses instead), the XML form
 * carries every sendable value, and the parser fails only with TemplateSyntaxError.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  parseTemplate,
  serializeTemplate,
  serializeTemplateXml,
  type Template,
  TemplateSyntaxError,
  TemplateValueError,
} from "../src/template/index.js";
import { parseXmlDocument } from "../src/xml/index.js";

/** Characters that mean something in the template syntax, in XML, or to oned's lexer. */
const syntaxPieces = [
  '"',
  "\\",
  '\\"',
  "\n",
  "\r",
  "\t",
  " ",
  "=",
  ",",
  "[",
  "]",
  "#",
  "$",
  "]]>",
  "&",
  "<",
  ">",
  "'",
];
const unit = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...syntaxPieces) },
  { weight: 2, arbitrary: fc.constantFrom("a", "Z", "0", "_", "-", ".") },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }) },
);
const anyValue = fc.string({ unit, maxLength: 24 });

/** What the text syntax can carry (see serialize.ts): no quoted trailing backslash, no one-line "]]>". */
function fitsTextSyntax(value: string): boolean {
  if (value.endsWith("\\") && !/^[^=#\s,[\]"]+$/.test(value)) return false;
  return value.includes("\n") || !value.includes("]]>");
}

const name = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,10}$/);

function templates(value: fc.Arbitrary<string>): fc.Arbitrary<Template> {
  const vector = fc.dictionary(name, value, { minKeys: 1, maxKeys: 4, noNullPrototype: true });
  const occurrence = fc.oneof(value, vector);
  // A single occurrence reads back as a value, so arrays (repeated attributes) have 2 or more.
  const attribute = fc.oneof(occurrence, fc.array(occurrence, { minLength: 2, maxLength: 3 }));
  return fc.dictionary(name, attribute, { maxKeys: 6, noNullPrototype: true });
}

describe("text syntax round trip", () => {
  it("parse(serialize(x)) deep-equals x", () => {
    fc.assert(
      fc.property(templates(anyValue.filter(fitsTextSyntax)), (template) => {
        expect(parseTemplate(serializeTemplate(template))).toEqual(template);
      }),
      { numRuns: 500 },
    );
  });

  it("for any values: a faithful round trip or a TemplateValueError, never an injected attribute", () => {
    const value = fc.oneof(anyValue, fc.string({ unit: "binary", maxLength: 12 }));
    fc.assert(
      fc.property(templates(value), (template) => {
        let text: string;
        try {
          text = serializeTemplate(template);
        } catch (error) {
          expect(error).toBeInstanceOf(TemplateValueError);
          return;
        }
        expect(parseTemplate(text)).toEqual(template);
      }),
      { numRuns: 500 },
    );
  });

  it("a hostile value in one attribute never adds or changes another", () => {
    fc.assert(
      fc.property(anyValue.filter(fitsTextSyntax), (value) => {
        const text = serializeTemplate({ NAME: value, DISK: { IMAGE: value, SIZE: "1" }, CPU: "1" });
        expect(parseTemplate(text)).toEqual({ NAME: value, DISK: { IMAGE: value, SIZE: "1" }, CPU: "1" });
      }),
      { numRuns: 1000 },
    );
  });
});

describe("XML form", () => {
  it("carries every value the text syntax refuses", () => {
    fc.assert(
      fc.property(templates(anyValue), (template) => {
        expect(parseXmlDocument(serializeTemplateXml(template))).toEqual({
          TEMPLATE: Object.keys(template).length === 0 ? "" : template,
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe("parser robustness", () => {
  it("any text either parses or fails with a positioned TemplateSyntaxError", () => {
    const text = fc.string({
      unit: fc.oneof(unit, fc.constantFrom("A", "B=", "=[", 'X="', "\n#")),
      maxLength: 60,
    });
    fc.assert(
      fc.property(text, (input) => {
        try {
          parseTemplate(input);
        } catch (error) {
          expect(error).toBeInstanceOf(TemplateSyntaxError);
          const { offset, line, column } = (error as TemplateSyntaxError).position;
          expect(offset).toBeGreaterThanOrEqual(0);
          expect(offset).toBeLessThanOrEqual(input.length);
          expect(line).toBeGreaterThanOrEqual(1);
          expect(column).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
