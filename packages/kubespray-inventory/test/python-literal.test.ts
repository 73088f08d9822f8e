import { describe, expect, test } from "vitest";
import { typeIniValue } from "../src/ini-reader.js";
import { literalEval } from "../src/python-literal.js";
import { PyFloat } from "../src/values.js";

describe("literalEval (Python ast.literal_eval)", () => {
  test.each([
    ["True", true],
    ["False", false],
    ["None", null],
    ["1", 1],
    ["-5", -5],
    ["+7", 7],
    ["1_000", 1000],
    ["0x1F", 31],
    ["0o17", 15],
    ["0b101", 5],
    ["00", 0],
    ["1.5", 1.5],
    ["1e3", new PyFloat(1000)],
    [".5", 0.5],
    ["1.", new PyFloat(1)],
    ["-1.0", new PyFloat(-1)],
    ["{1.0: 2}", { "1.0": 2 }],
    ["-(1)", -1],
    ["'a b'", "a b"],
    ['"x"', "x"],
    ["'a' 'b'", "ab"],
    ["'\\n'", "\n"],
    ["r'\\n'", "\\n"],
    ["b'abc'", "abc"],
    ["'\\x41\\u00e9'", "Aé"],
    ["[1, 'a', None]", [1, "a", null]],
    ["(1, 2)", [1, 2]],
    ["(1)", 1],
    ["()", []],
    ["1,2", [1, 2]],
    ["{'x': 1, 'y': [True]}", { x: 1, y: [true] }],
    ["{}", {}],
    ["{1: 'a'}", { "1": "a" }],
    ["1 # comment", 1],
    ["'''tri'''", "tri"],
    ["99999999999999999999", 99999999999999999999n],
  ])("%s is a literal", (text, value) => {
    expect(literalEval(text)).toEqual(value);
  });

  test.each([
    "true",
    "yes",
    "abc",
    "0777",
    "01",
    "10.0.0.1",
    "abc # c",
    "1__0",
    "1_",
    "0x",
    "--1",
    "-True",
    "1+2",
    "f'x'",
    "'unterminated",
    "[1, 2",
    "a.b",
    "foo()",
    "1j",
    "<>",
    "{{ ansible_env.HOME }}/x",
    "",
  ])("%s is not a literal (kept as text)", (text) => {
    expect(literalEval(text)).toBeUndefined();
    expect(typeIniValue(text)).toBe(text);
  });

  test("types stay distinct: true, 1 and '1'", () => {
    expect(typeIniValue("True")).toBe(true);
    expect(typeIniValue("1")).toBe(1);
    expect(typeIniValue('"1"')).toBe("1");
  });
});
