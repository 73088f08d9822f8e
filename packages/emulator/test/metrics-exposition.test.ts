/** The text format writer and reader: Go's and Python's float styles, label escaping, bad input. */
import {
  ExpositionParseError,
  ExpositionWriter,
  escapeLabelValue,
  goFloat,
  labelSet,
  parseExposition,
  pythonFloat,
  sampleValue,
} from "@homelab-kit/emulator/metrics";
import { describe, expect, it } from "vitest";

describe("exposition format", () => {
  it("prints floats as Go's strconv 'g' -1 (node_exporter) and Python's repr (ceph-mgr)", () => {
    const values = [
      0,
      1,
      -3,
      123456,
      1234567,
      3.8582366208e10,
      0.5,
      0.0001,
      0.00001,
      1.5e-7,
      1e21,
      Number.NaN,
      Infinity,
      -Infinity,
    ];
    expect(values.map(goFloat)).toEqual([
      "0",
      "1",
      "-3",
      "123456",
      "1.234567e+06",
      "3.8582366208e+10",
      "0.5",
      "0.0001",
      "1e-05",
      "1.5e-07",
      "1e+21",
      "NaN",
      "+Inf",
      "-Inf",
    ]);
    expect(values.map(pythonFloat)).toEqual([
      "0.0",
      "1.0",
      "-3.0",
      "123456.0",
      "1234567.0",
      "38582366208.0",
      "0.5",
      "0.0001",
      "1e-05",
      "1.5e-07",
      "1e+21",
      "NaN",
      "+Inf",
      "-Inf",
    ]);
  });

  it("escapes label values and reads them back", () => {
    expect(escapeLabelValue('a "b"\\c\nd')).toBe('a \\"b\\"\\\\c\\nd');
    const out = new ExpositionWriter("go", 16);
    out.family("x_total", "counter", "An x.");
    out.sample(
      "x_total",
      labelSet([
        ["path", 'a "b"\\c\nd'],
        ["k", "v"],
      ]),
      2,
    );
    expect(out.finish().length).toBeGreaterThan(1);
    const parsed = parseExposition(out.chunks.join(""));
    expect(parsed.get("x_total")).toMatchObject({ type: "counter", help: "An x." });
    expect(sampleValue(parsed, "x_total", { path: 'a "b"\\c\nd', k: "v" })).toBe(2);
  });

  it("refuses what it cannot read, naming the line", () => {
    expect(() => parseExposition("# HELP a b\na{x=1} 2\n")).toThrow(ExpositionParseError);
    expect(() => parseExposition("ok 1\nbad line here\n")).toThrow(/line 2: not a sample/);
    expect(() => parseExposition("a 1x\n")).toThrow(/line 1: bad value "1x"/);
    expect(parseExposition("a +Inf\nb NaN\n").get("a")?.samples[0]?.value).toBe(Infinity);
  });
});
