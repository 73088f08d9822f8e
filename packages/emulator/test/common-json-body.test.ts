/** JSON bodies under a budget (common/json-body.ts): the scan before JSON.parse, fuzzed. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checkJsonBudget,
  DEFAULT_JSON_BUDGET,
  JsonBodyError,
  parseJsonBody,
} from "../src/common/json-body.js";

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("parseJsonBody", () => {
  it("parses what JSON.parse parses, within the budget", () => {
    fc.assert(
      fc.property(fc.json({ depthSize: "small" }), (text) => {
        expect(parseJsonBody(text)).toEqual(JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });

  it("never throws anything but a JsonBodyError, whatever the text", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json().map((j) => j.slice(0, -1)),
          fc.string({ unit: "binary" }),
        ),
        (text) => {
          const error = thrown(() => parseJsonBody(text));
          if (error !== undefined) expect(error).toBeInstanceOf(JsonBodyError);
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it("refuses deep nesting before parsing: 40 MB of '[' is refused at the 65th", () => {
    const bomb = "[".repeat(40_000_000);
    const error = thrown(() => parseJsonBody(bomb)) as JsonBodyError;
    expect(error).toBeInstanceOf(JsonBodyError);
    expect(error.kind).toBe("budget");
    expect(error.message).toBe(`JSON nested deeper than ${DEFAULT_JSON_BUDGET.maxDepth} levels`);
  });

  it("refuses a number of a million digits and too many values; strings inside do not count", () => {
    expect(() => checkJsonBudget(`{"size": ${"9".repeat(1_000_000)}}`)).toThrow(/JSON number longer than 64/);
    expect(() => checkJsonBudget(`[${"0,".repeat(200_000)}0]`)).toThrow(/more than 100000 values/);
    expect(() => checkJsonBudget(JSON.stringify({ name: "[[[[ 123456789 ".repeat(10_000) }))).not.toThrow();
    expect(() => checkJsonBudget('{"a":[true,false,null,1e308,-0.5]}')).not.toThrow();
  });

  it("reports a syntax error without quoting the whole body", () => {
    const error = thrown(() => parseJsonBody(`{"password": "${"s".repeat(100_000)}`)) as JsonBodyError;
    expect(error.kind).toBe("syntax");
    expect(error.message.length).toBeLessThanOrEqual(121);
  });
});
