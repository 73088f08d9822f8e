/** The template parser: oned's syntax as its lexer and grammar read it, and precise errors. */
import { describe, expect, it } from "vitest";
import { parseTemplate, TemplateSyntaxError } from "../src/template/index.js";

function syntaxErrorOf(text: string): TemplateSyntaxError {
  try {
    parseTemplate(text);
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateSyntaxError);
    return error as TemplateSyntaxError;
  }
  throw new Error(`expected a TemplateSyntaxError for ${JSON.stringify(text)}`);
}

describe("parseTemplate", () => {
  it("reads a hand-written VM template: quoted and bare values, vectors, repeats, comments", () => {
    const text = [
      "# a small VM",
      'NAME   = "test vm"',
      "CPU    = 0.5",
      "MEMORY = 512",
      'DISK = [ IMAGE = "Ubuntu 24.04", IMAGE_UNAME = "oneadmin" ]',
      "DISK = [ TYPE = fs, SIZE = 4096,",
      "         FORMAT = ext3 ]",
      "NIC  = [ NETWORK_ID = 0 ]   # the LAN",
      'GRAPHICS = [TYPE="vnc",LISTEN="0.0.0.0"]',
      "CONTEXT = [",
      '  SSH_PUBLIC_KEY = "$USER[SSH_PUBLIC_KEY]",',
      '  NETWORK = "YES" ]',
      "EMPTY =",
      'LAST="x"',
    ].join("\n");
    expect(parseTemplate(text)).toEqual({
      NAME: "test vm",
      CPU: "0.5",
      MEMORY: "512",
      DISK: [
        { IMAGE: "Ubuntu 24.04", IMAGE_UNAME: "oneadmin" },
        { TYPE: "fs", SIZE: "4096", FORMAT: "ext3" },
      ],
      NIC: { NETWORK_ID: "0" },
      GRAPHICS: { TYPE: "vnc", LISTEN: "0.0.0.0" },
      CONTEXT: { SSH_PUBLIC_KEY: "$USER[SSH_PUBLIC_KEY]", NETWORK: "YES" },
      EMPTY: "",
      LAST: "x",
    });
  });

  it("several attributes on one line", () => {
    expect(parseTemplate('A="1" B=2 C=[D="3"]\nE="4"')).toEqual({ A: "1", B: "2", C: { D: "3" }, E: "4" });
  });

  it("CRLF as oned reads it: \\r is no blank, so it ends up in a value that runs to the line end", () => {
    expect(parseTemplate('A=1\r\nB="2"\r\nC=[D="3"]\r\n')).toEqual({ A: "1\r", B: '"2"\r', C: { D: "3" } });
  });

  it("upper-cases names and vector keys; prefixes names not starting with a letter with ONE_", () => {
    expect(parseTemplate('name="x"\nnic=[network="lan"]\n1st="y"\n_z="w"')).toEqual({
      NAME: "x",
      NIC: { NETWORK: "lan" },
      ONE_1ST: "y",
      ONE__Z: "w",
    });
  });

  it('only \\" is an escape: other backslashes are kept, as oned keeps them', () => {
    expect(parseTemplate('A="say \\"hi\\""\nB="C:\\new\\table"\nC="\\\\"x"')).toEqual({
      A: 'say "hi"',
      B: "C:\\new\\table",
      C: '\\"x',
    });
  });

  it("a quoted value may span lines and hold = , [ ] #", () => {
    expect(parseTemplate('START_SCRIPT="#!/bin/sh\necho a=b, [c] # d\n"\nX=1')).toEqual({
      START_SCRIPT: "#!/bin/sh\necho a=b, [c] # d\n",
      X: "1",
    });
  });

  it('"]]>" is fine on a later line of a multi-line quoted value (the quoted match is longer)', () => {
    expect(parseTemplate('A="x\n]]>"')).toEqual({ A: "x\n]]>" });
    expect(parseTemplate('A="x]]>\ny"')).toEqual({ A: "x]]>\ny" });
  });

  it("an unquoted value is the longest run without blanks or separators, quotes included", () => {
    expect(parseTemplate('A=ab"c\nB="q"rest')).toEqual({ A: 'ab"c', B: '"q"rest' });
  });

  it("an empty vector is valid syntax", () => {
    expect(parseTemplate("SCHED_ACTION=[]\nX=[ ]")).toEqual({ SCHED_ACTION: {}, X: {} });
  });

  it("an empty or comment-only template", () => {
    expect(parseTemplate("")).toEqual({});
    expect(parseTemplate("  \n# nothing\n\t\n")).toEqual({});
    expect(parseTemplate("# no newline at the end")).toEqual({});
  });
});

describe("large templates", () => {
  it("20,000 attributes on one line, and 20,000 vectors on as many lines", () => {
    const oneLine = Array.from({ length: 20_000 }, (_, i) => `A${i}="${i}"`).join(" ");
    const parsed = parseTemplate(oneLine);
    expect(Object.keys(parsed)).toHaveLength(20_000);
    expect(parsed.A19999).toBe("19999");
    const manyLines = Array.from(
      { length: 20_000 },
      (_, i) => `DISK=[ID=${i}, X="# not a comment"] # c`,
    ).join("\n");
    const disks = parseTemplate(manyLines).DISK;
    expect(Array.isArray(disks) && disks.length).toBe(20_000);
    expect(Array.isArray(disks) && disks[19_999]).toEqual({ ID: "19999", X: "# not a comment" });
  });
});

describe("malformed templates give a positioned TemplateSyntaxError", () => {
  it.each([
    ["NAME", 'expected "=" after NAME, found the end of the template', 1, 5],
    ['NAME="abc', "unterminated quoted value of NAME", 1, 6],
    ["A=1,B=2", 'expected an attribute name, found ","', 1, 4],
    ["A=", 'expected a value after "A="', 1, 3],
    ["A=#x", 'expected a value for A, found "#"', 1, 3],
    ["A=]", 'expected a value for A, found "]"', 1, 3],
    ['OK="1"\n  = 2', 'expected an attribute name, found "="', 2, 3],
    ["DISK=[A=1 B=2]", 'expected "," or "]" after A in DISK=[…], found "B"', 1, 11],
    ["DISK=[A=1,", "expected a key inside DISK=[…], found the end of the template", 1, 11],
    ["DISK=[A=1", 'expected "]" to close DISK=[…]', 1, 10],
    ["DISK=[A=[B=1]]", "vectors cannot be nested", 1, 9],
    ["DISK=[A=1, a=2]", "A appears twice in DISK=[…]", 1, 12],
    ["DISK=[A=\n]", "expected a value for A inside DISK=[…]", 1, 9],
    ["DISK=[=1]", 'expected a key inside DISK=[…], found "="', 1, 7],
    ['D="x]]>y"', '"]]>" on the line of a value', 1, 5],
    ['D=[A="x]]>"]', '"]]>" on the line of a value', 1, 8],
    ["Ä=1", 'expected an attribute name, found "Ä"', 1, 1],
    ["A=1\n\n😀", 'expected an attribute name, found "😀"', 3, 1],
  ])("%j", (text, message, line, column) => {
    const error = syntaxErrorOf(text);
    expect(error.message).toContain(message);
    expect(error.message).toContain(`at line ${line}, column ${column}`);
    expect(error.position).toMatchObject({ line, column });
    expect(error.code).toBe("TEMPLATE_SYNTAX");
  });

  it("input that is not a string", () => {
    for (const input of [undefined, null, 42, { NAME: "x" }]) {
      expect(syntaxErrorOf(input as never).message).toContain("expected the template as a string");
    }
  });
});
