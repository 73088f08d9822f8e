import { createRequire } from "node:module";
import { Readable } from "node:stream";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isXmlChar } from "../src/xml/entities.js";
import {
  decodeMethodCall,
  decodeMethodResponse,
  encodeMethodCall,
  encodeMethodResponse,
  type XmlRpcValue,
} from "../src/xmlrpc/index.js";

// The `xmlrpc` npm package (devDependency only) is the reference implementation we cross-check.
const require = createRequire(import.meta.url);
const Serializer = require("xmlrpc/lib/serializer.js") as {
  serializeMethodCall(method: string, params: unknown[]): string;
  serializeMethodResponse(value: unknown): string;
};
const Deserializer = require("xmlrpc/lib/deserializer.js") as new () => {
  deserializeMethodResponse(stream: Readable, cb: (error: unknown, value: unknown) => void): void;
  deserializeMethodCall(
    stream: Readable,
    cb: (error: unknown, method: string, params: unknown[]) => void,
  ): void;
};

function theirResponse(xml: string): Promise<unknown> {
  return new Promise((resolve, reject) =>
    new Deserializer().deserializeMethodResponse(Readable.from([Buffer.from(xml)]), (error, value) =>
      error ? reject(error) : resolve(value),
    ),
  );
}

function theirCall(xml: string): Promise<{ method: string; params: unknown[] }> {
  return new Promise((resolve, reject) =>
    new Deserializer().deserializeMethodCall(Readable.from([Buffer.from(xml)]), (error, method, params) =>
      error ? reject(error) : resolve({ method, params }),
    ),
  );
}

/** Strings both sides carry the same: XML characters only, and no CR (XML normalises raw CR to LF). */
const xmlString = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        "<",
        ">",
        "&",
        "]]>",
        "&amp;",
        "<![CDATA[",
        '"',
        "'",
        " ",
        "\n",
        "\t",
        "é",
        "\u{1F600}",
      ),
      fc.string({ unit: "binary", maxLength: 6 }),
    ),
    { maxLength: 6 },
  )
  .map((parts) =>
    Array.from(parts.join(""), (ch) => (isXmlChar(ch.codePointAt(0)!) && ch !== "\r" ? ch : "x")).join(""),
  );

/** Whole-second dates (XML-RPC has no fractions). */
const date = fc
  .integer({ min: Date.UTC(1970, 0, 1) / 1000, max: Date.UTC(9999, 11, 31) / 1000 })
  .map((s) => new Date(s * 1000));

const valuesOf = (strings: fc.Arbitrary<string>) =>
  fc.letrec<{ value: XmlRpcValue }>((tie) => ({
    value: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      fc.integer({ min: -2147483648, max: 2147483647 }),
      fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d)),
      fc.boolean(),
      strings,
      date,
      fc.uint8Array({ maxLength: 16 }).map((b) => new Uint8Array(b)),
      fc.constant(null),
      fc.array(tie("value"), { maxLength: 4 }),
      fc.dictionary(
        strings.filter((k) => k !== "__proto__"),
        tie("value"),
        { maxKeys: 4 },
      ),
    ),
  })).value;

const valueArb = valuesOf(xmlString);
/**
 * The xmlrpc package writes a string holding "]]>" twice as broken CDATA
 * (`<![CDATA[]]]]><![CDATA[>]]><]]>` for "]]>]]><"), so values it encodes avoid that.
 */
const theirValueArb = valuesOf(xmlString.filter((s) => s.split("]]>").length <= 2));

/** What the xmlrpc package gives back for a value: Buffers for base64; dates read in local time. */
function asTheirs(value: XmlRpcValue): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value);
  if (value instanceof Date) {
    // our <dateTime.iso8601> carries UTC digits without a zone; xmlrpc reads such digits as local time
    return new Date(
      value.getUTCFullYear(),
      value.getUTCMonth(),
      value.getUTCDate(),
      value.getUTCHours(),
      value.getUTCMinutes(),
      value.getUTCSeconds(),
    );
  }
  if (Array.isArray(value)) return value.map(asTheirs);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asTheirs(v)]));
  }
  return value;
}

/** What we decode from the xmlrpc package's output: it writes local-time digits without a zone. */
function asOurs(value: XmlRpcValue): unknown {
  if (value instanceof Date) {
    return new Date(
      Date.UTC(
        value.getFullYear(),
        value.getMonth(),
        value.getDate(),
        value.getHours(),
        value.getMinutes(),
        value.getSeconds(),
      ),
    );
  }
  if (Array.isArray(value)) return value.map(asOurs);
  if (value !== null && typeof value === "object" && !(value instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asOurs(v)]));
  }
  return value;
}

describe("XML-RPC codec cross-checked against the xmlrpc npm package", () => {
  it("the xmlrpc package decodes what we encode (responses)", async () => {
    await fc.assert(
      fc.asyncProperty(valueArb, async (value) => {
        expect(await theirResponse(encodeMethodResponse(value))).toEqual(asTheirs(value));
      }),
      { numRuns: 300 },
    );
  });

  it("we decode what the xmlrpc package encodes (responses)", () => {
    fc.assert(
      fc.property(theirValueArb, (value) => {
        const theirs = Serializer.serializeMethodResponse(
          value instanceof Uint8Array ? Buffer.from(value) : asTheirsInput(value),
        );
        const ours = decodeMethodResponse(theirs);
        expect(ours.kind).toBe("params");
        if (ours.kind === "params")
          expect(normalise(ours.value)).toEqual(normalise(asOurs(value) as XmlRpcValue));
      }),
      { numRuns: 300 },
    );
  });

  it("method calls round-trip both ways", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(theirValueArb, { maxLength: 5 }), async (params) => {
        const theirs = await theirCall(encodeMethodCall("one.vm.info", params));
        expect(theirs.method).toBe("one.vm.info");
        expect(theirs.params).toEqual(params.map(asTheirs));
        const ours = decodeMethodCall(
          Serializer.serializeMethodCall("one.vm.info", params.map(asTheirsInput)),
        );
        expect(ours.methodName).toBe("one.vm.info");
        expect(normalise(ours.params)).toEqual(normalise(params.map(asOurs) as XmlRpcValue[]));
      }),
      { numRuns: 200 },
    );
  });

  it("our decoder inverts our encoder, CR and i8 included", () => {
    fc.assert(
      fc.property(valueArb, fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (value, big) => {
        const decoded = decodeMethodResponse(encodeMethodResponse([value, "a\r\nb\rc", big]));
        const expected = Number.isSafeInteger(Number(big)) ? Number(big) : big;
        expect(decoded).toEqual({ kind: "params", value: [value, "a\r\nb\rc", expected] });
      }),
      { numRuns: 300 },
    );
  });
});

/** The xmlrpc serializer only recognises Buffers as binary. */
function asTheirsInput(value: XmlRpcValue): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value);
  if (Array.isArray(value)) return value.map(asTheirsInput);
  if (value !== null && typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asTheirsInput(v)]));
  }
  return value;
}

/** Uint8Array vs Buffer compare equal by content. */
function normalise(value: XmlRpcValue): unknown {
  if (value instanceof Uint8Array) return Array.from(value);
  if (Array.isArray(value)) return value.map(normalise);
  if (value !== null && typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v)]));
  }
  return value;
}
