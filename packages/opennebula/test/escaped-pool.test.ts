import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseXmlDocument } from "../src/xml/index.js";
import { parseXmlRange } from "../src/xml/parse.js";
import { decodeOpenNebulaResponse, LAZY_STRING_THRESHOLD } from "../src/xmlrpc/envelope.js";
import { EscapedXmlText } from "../src/xmlrpc/escaped-text.js";
import { success, xmlEscape } from "./helpers/xmlrpc-server.js";

const vmXml = readFileSync(
  new URL("../../../docs/reference/opennebula/samples/vm.xml", import.meta.url),
  "utf8",
);

/** A pool big enough to stay escaped in the envelope. */
function bigPool(extra = ""): string {
  const vms: string[] = [];
  for (let i = 0; vms.join("").length < LAZY_STRING_THRESHOLD * 2; i++) {
    vms.push(
      vmXml.replace("<ID>42</ID>", `<ID>${i}</ID>`).replace("web-01", `web-${i} &amp; "co" &lt;x&gt; ]]`),
    );
  }
  return `<VM_POOL>${extra}${vms.join("\n")}</VM_POOL>`;
}

function viaEnvelope(escapedDocument: string) {
  const value = decodeOpenNebulaResponse(
    success(`<value><string>${escapedDocument}</string></value>`),
    "one.vmpool.info",
  );
  expect(value).toBeInstanceOf(EscapedXmlText);
  return value as EscapedXmlText;
}

describe("pool documents parsed straight from the escaped envelope", () => {
  it("gives the same raw object as parsing the unescaped document", () => {
    const pool = bigPool();
    const text = viaEnvelope(xmlEscape(pool));
    expect(text.toString()).toBe(pool);
    expect(text.parseDocument()).toEqual(parseXmlDocument(pool));
  });

  it.each([
    ["xmlrpc-c escaping", (p: string) => xmlEscape(p)],
    ["raw > left unescaped", (p: string) => xmlEscape(p).replaceAll("&gt;", ">")],
    ["quotes escaped", (p: string) => xmlEscape(p).replaceAll('"', "&quot;")],
  ])("the escaped fast path itself reads %s (no fallback)", (_name, escapeFor) => {
    const pool = bigPool(
      "<VM><NAME>a &amp;lt; b</NAME><D><![CDATA[&amp; <y> ]]]]><![CDATA[>]]></D><E/><F></F></VM>",
    );
    const { source, start, end } = viaEnvelope(escapeFor(pool));
    expect(parseXmlRange(source, start, end, true)).toEqual(parseXmlDocument(pool));
  });

  it("the escaped fast path refuses what it does not take, so the exact path runs", () => {
    for (const doc of ['<A x="1"/>', "<A><B></A>"]) {
      const { source, start, end } = viaEnvelope(xmlEscape(`${doc}${" ".repeat(LAZY_STRING_THRESHOLD)}`));
      expect(() => parseXmlRange(source, start, end, true)).toThrow();
    }
    const hidden = viaEnvelope(xmlEscape(bigPool()).replace("&lt;ID&gt;", "&#60;ID&#x3E;"));
    expect(() => parseXmlRange(hidden.source, hidden.start, hidden.end, true)).toThrow(
      /markup behind a character reference/,
    );
  });

  it.each([
    ["raw > left unescaped (legal in XML text)", (p: string) => xmlEscape(p).replaceAll("&gt;", ">")],
    ["quotes escaped too", (p: string) => xmlEscape(p).replaceAll('"', "&quot;").replaceAll("'", "&apos;")],
    [
      "character references (fallback path)",
      (p: string) => xmlEscape(p).replaceAll("&lt;ID&gt;", "&#60;ID&#x3E;"),
    ],
  ])("%s", (_name, escapeFor) => {
    const pool = bigPool();
    expect(viaEnvelope(escapeFor(pool)).parseDocument()).toEqual(parseXmlDocument(pool));
  });

  it("documents with CR, comments, a declaration and attributes take the exact path", () => {
    const pool = `<?xml version="1.0"?><!-- c -->${bigPool('<VM a="1"><ID>x\r\ny</ID></VM>')}`;
    const parsed = viaEnvelope(xmlEscape(pool)).parseDocument();
    expect(parsed).toEqual(parseXmlDocument(pool.replace("\r\n", "\n")));
  });

  it("text with entities is decoded twice and CDATA once", () => {
    const pool = bigPool("<VM><NAME>a &amp;lt; b</NAME><D><![CDATA[&amp; <y> ]]]]><![CDATA[>]]></D></VM>");
    const first = (
      viaEnvelope(xmlEscape(pool)).parseDocument().VM_POOL as { VM: Array<Record<string, string>> }
    ).VM[0]!;
    expect(first.NAME).toBe("a &lt; b");
    expect(first.D).toBe("&amp; <y> ]]>");
  });

  it("malformed documents are reported with line and column in the document", () => {
    const pool = bigPool().replace("</NAME>", "</NAMEX>");
    const line = pool.slice(0, pool.indexOf("</NAMEX>")).split("\n").length;
    expect(() => viaEnvelope(xmlEscape(pool)).parseDocument()).toThrow(
      new RegExp(`mismatched end tag: expected </NAME> at line ${line}, column \\d+`),
    );
  });
});
