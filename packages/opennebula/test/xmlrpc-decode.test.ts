import { describe, expect, it } from "vitest";
import { XmlSyntaxError } from "../src/xml/index.js";
import { decodeMethodCall, decodeMethodResponse, MAX_XMLRPC_DEPTH } from "../src/xmlrpc/index.js";

const response = (value: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<methodResponse>\n<params>\n<param>\n${value}\n</param>\n</params>\n</methodResponse>\n`;

function decodeValue(value: string) {
  const decoded = decodeMethodResponse(response(value));
  if (decoded.kind !== "params") throw new Error("expected params");
  return decoded.value;
}

function syntaxErrorOf(body: string | Uint8Array): XmlSyntaxError {
  try {
    decodeMethodResponse(body);
  } catch (error) {
    expect(error).toBeInstanceOf(XmlSyntaxError);
    return error as XmlSyntaxError;
  }
  throw new Error("expected an XmlSyntaxError");
}

describe("decodeMethodResponse: every XML-RPC type", () => {
  it.each([
    ["<value><int>42</int></value>", 42],
    ["<value><i4>-7</i4></value>", -7],
    ["<value><int> +3 </int></value>", 3],
    ["<value><i8>9007199254740993</i8></value>", 9007199254740993n],
    ["<value><i8>-42</i8></value>", -42],
    ["<value><ex:i8>0</ex:i8></value>", 0],
    ["<value><boolean>1</boolean></value>", true],
    ["<value><boolean>0</boolean></value>", false],
    ["<value><double>-1.5e3</double></value>", -1500],
    ["<value><double>.5</double></value>", 0.5],
    [
      "<value><string>a &amp; b &lt;c&gt; &quot;d&quot; &#233;&#x1F600;</string></value>",
      'a & b <c> "d" é\u{1F600}',
    ],
    ["<value>untyped  text </value>", "untyped  text "],
    ["<value></value>", ""],
    ["<value/>", ""],
    ["<value><string/></value>", ""],
    ["<value><string><![CDATA[<VM>]]></string></value>", "<VM>"],
    ["<value><string>line1\r\nline2\rline3</string></value>", "line1\nline2\nline3"],
    ["<value><string>kept&#13;</string></value>", "kept\r"],
    ["<value><nil/></value>", null],
    ["<value><ex:nil/></value>", null],
    ["<value><base64>aGk=</base64></value>", new Uint8Array([104, 105])],
    ["<value><base64>\n aGk=\n</base64></value>", new Uint8Array([104, 105])],
    [
      "<value><dateTime.iso8601>19980717T14:08:55</dateTime.iso8601></value>",
      new Date("1998-07-17T14:08:55Z"),
    ],
    [
      "<value><dateTime.iso8601>1998-07-17T14:08:55+02:00</dateTime.iso8601></value>",
      new Date("1998-07-17T12:08:55Z"),
    ],
    ["<value><array><data/></array></value>", []],
    ["<value><array><data><value><int>1</int></value><value>x</value></data></array></value>", [1, "x"]],
    [
      "<value><struct><member><name>a</name><value><array><data><value><struct/></value></data></array></value></member></struct></value>",
      { a: [{}] },
    ],
  ])("%s", (value, expected) => {
    expect(decodeValue(value)).toEqual(expected);
  });

  it("keeps a struct member named __proto__ as data, without touching the prototype", () => {
    const struct = decodeValue(
      "<value><struct><member><name>__proto__</name><value><string>x</string></value></member></struct></value>",
    ) as Record<string, unknown>;
    expect(Object.getPrototypeOf(struct)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(struct, "__proto__")?.value).toBe("x");
  });

  it("decodes the OpenNebula success and 5-element failure arrays", () => {
    expect(
      decodeValue(
        "<value><array><data><value><boolean>0</boolean></value><value><string>[one.vm.info] Error getting virtual machine [7].</string></value><value><i4>1024</i4></value><value><i4>7</i4></value><value><i8>0</i8></value></data></array></value>",
      ),
    ).toEqual([false, "[one.vm.info] Error getting virtual machine [7].", 1024, 7, 0]);
  });

  it("decodes faults", () => {
    const body =
      "<?xml version=\"1.0\"?><methodResponse><fault><value><struct><member><name>faultCode</name><value><int>-506</int></value></member><member><name>faultString</name><value><string>Method 'one.vm.savedisk' not defined</string></value></member></struct></value></fault></methodResponse>";
    expect(decodeMethodResponse(body)).toEqual({
      kind: "fault",
      faultCode: -506,
      faultString: "Method 'one.vm.savedisk' not defined",
    });
  });

  it("decodes bytes as strict UTF-8", () => {
    expect(decodeMethodResponse(Buffer.from(response("<value>héllo ✓</value>")))).toEqual({
      kind: "params",
      value: "héllo ✓",
    });
  });

  it("decodes method calls", () => {
    expect(
      decodeMethodCall(
        "<?xml version='1.0'?><methodCall><methodName>one.vm.action</methodName><params><param><value><string>s</string></value></param><param><value><i4>3</i4></value></param></params></methodCall>",
      ),
    ).toEqual({ methodName: "one.vm.action", params: ["s", 3] });
    expect(decodeMethodCall("<methodCall><methodName>one.system.version</methodName></methodCall>")).toEqual({
      methodName: "one.system.version",
      params: [],
    });
  });
});

describe("decodeMethodResponse: malformed input is reported, never crashes", () => {
  it.each([
    [response("<value><int>12x</int></value>"), '<int> is not a 32-bit integer: "12x"', 5],
    [response("<value><int>2147483648</int></value>"), '<int> is not a 32-bit integer: "2147483648"', 5],
    [response("<value><i8>9223372036854775808</i8></value>"), "<i8> is out of the 64-bit range", 5],
    [response("<value><boolean>true</boolean></value>"), '<boolean> must be 0 or 1, not "true"', 5],
    [response("<value><double>1,5</double></value>"), '<double> is not a number: "1,5"', 5],
    [
      response("<value><dateTime.iso8601>yesterday</dateTime.iso8601></value>"),
      '<dateTime.iso8601> is not a date: "yesterday"',
      5,
    ],
    [
      response("<value><base64>!!!</base64></value>"),
      "<base64> holds characters outside the base64 alphabet",
      5,
    ],
    [response("<value><float>1</float></value>"), "unknown XML-RPC type <float>", 5],
    [response("<value><int>1</int>"), "expected </value>", 6],
    [response("<value><string>a</int></value>"), "expected </string>", 5],
    [
      response("<value><string>&bogus;</string></value>"),
      'undefined entity "&bogus;" (DTDs are not supported)',
      5,
    ],
    ["<methodResponse></methodResponse>", "expected <params> or <fault> in <methodResponse>", 1],
    ["<html>502 Bad Gateway</html>", "expected <methodResponse>", 1],
    ["", "expected <methodResponse>", 1],
    [`${response("<value>1</value>")}<x/>`, "content after the root element", 9],
    [
      "<methodResponse><fault><value><string>oops</string></value></fault></methodResponse>",
      "a fault must be a struct with an int faultCode and a faultString",
      1,
    ],
  ])("%j", (body, reason, line) => {
    const error = syntaxErrorOf(body);
    expect(error.reason).toBe(reason);
    expect(error.line).toBe(line);
  });

  it("rejects a DOCTYPE, so an entity bomb is never expanded", () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><methodResponse><params><param><value><string>&lol1;</string></value></param></params></methodResponse>`;
    expect(syntaxErrorOf(bomb).reason).toBe("DOCTYPE is not allowed (no DTDs, no entity expansion)");
  });

  it("reports invalid UTF-8 with its byte offset", () => {
    const head = Buffer.from(response("<value><string>caf"));
    const body = Buffer.concat([
      head.subarray(0, head.indexOf("caf") + 3),
      Buffer.from([0xe9]),
      Buffer.from("</string></value></param></params></methodResponse>"),
    ]);
    const error = syntaxErrorOf(body);
    expect(error.reason).toMatch(/^invalid UTF-8 \(byte 0xe9 at byte offset \d+\)$/);
    expect(error.offset).toBe(head.indexOf("caf") + 3);
  });

  it("refuses nesting deeper than the limit instead of overflowing the stack", () => {
    const depth = MAX_XMLRPC_DEPTH + 10;
    const value = "<value><array><data>".repeat(depth) + "</data></array></value>".repeat(depth);
    expect(syntaxErrorOf(response(value)).reason).toBe(`values nested deeper than ${MAX_XMLRPC_DEPTH}`);
  });

  it("survives every truncation of a valid response with a typed error", () => {
    const body = response(
      "<value><array><data><value><boolean>0</boolean></value><value><string>x &amp; y</string></value><value><i4>256</i4></value><value><i4>-1</i4></value><value><i8>0</i8></value></data></array></value>",
    );
    for (let cut = 0; cut < body.trimEnd().length - "</methodResponse>".length; cut++) {
      expect(() => decodeMethodResponse(body.slice(0, cut)), `cut at ${cut}`).toThrow(XmlSyntaxError);
    }
  });
});
