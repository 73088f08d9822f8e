/**
 * The differential suite: every scenario of scenarios.ts runs against real oned (built from
 * OpenNebula's sources, dummy drivers, scripts/opennebula/start-oned.sh) and against the emulator
 * (`homelab-emulator up`), and their answers must match after normalisation (normalise.ts), except
 * for the differences allow-list.ts explains one by one. Run by `bash .ci/suites/oned.sh`.
 *
 * Writes a summary ({calls, differences, allowed, unexplained, entries, byScenario, byEntry,
 * allowedList, unexplainedList}) to ONED_DIFF_REPORT (default .tmp/oned-differential.json) for the
 * report and bench/opennebula/oned-startup.mjs: byEntry counts the differences each allow-list entry
 * explains (by its reason), allowedList names them.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ALLOWED, type Allowed } from "./allow-list.js";
import { allowedBy, type Difference, diffScenario, formatDifference } from "./compare.js";
import { scenarios } from "./scenarios.js";
import { Session } from "./session.js";
import { emulatorTarget, onedTarget } from "./targets.js";

const oned = onedTarget();
const emulator = emulatorTarget();
const used = new Map<Allowed, number>();
const summary = {
  calls: 0,
  differences: 0,
  allowed: 0,
  unexplained: 0,
  entries: ALLOWED.length,
  byScenario: {} as Record<
    string,
    { calls: number; differences: number; allowed: number; unexplained: number }
  >,
  byEntry: {} as Record<string, number>,
  allowedList: [] as string[],
  unexplainedList: [] as string[],
};

describe("real oned ↔ emulator", () => {
  for (const scenario of scenarios) {
    it(scenario.name, async () => {
      const a = new Session(oned);
      await scenario.run(a);
      const b = new Session(emulator);
      await scenario.run(b);
      const stepsA = a.steps();
      const differences: Difference[] = diffScenario(scenario.name, stepsA, b.steps());
      const unexplained: Difference[] = [];
      for (const d of differences) {
        const entry = allowedBy(d, ALLOWED);
        if (entry === undefined) unexplained.push(d);
        else {
          used.set(entry, (used.get(entry) ?? 0) + 1);
          summary.allowedList.push(formatDifference(d));
        }
      }
      summary.calls += stepsA.length;
      summary.differences += differences.length;
      summary.allowed += differences.length - unexplained.length;
      summary.unexplained += unexplained.length;
      summary.byScenario[scenario.name] = {
        calls: stepsA.length,
        differences: differences.length,
        allowed: differences.length - unexplained.length,
        unexplained: unexplained.length,
      };
      summary.unexplainedList.push(...unexplained.map(formatDifference));
      expect(unexplained.map(formatDifference)).toEqual([]);
    });
  }

  it("every allow-list entry still explains a difference", () => {
    const stale = ALLOWED.filter((entry) => !used.has(entry)).map((entry) => entry.reason);
    expect(stale).toEqual([]);
  });
});

afterAll(() => {
  for (const entry of ALLOWED) summary.byEntry[entry.reason] = used.get(entry) ?? 0;
  const file = resolve(process.env.ONED_DIFF_REPORT ?? ".tmp/oned-differential.json");
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
  console.log(
    `oned differential: ${summary.calls} calls compared, ${summary.differences} differences, ${summary.allowed} allowed, ${summary.unexplained} unexplained`,
  );
});
