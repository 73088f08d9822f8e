/**
 * Compares the two transcripts of a scenario step by step, line by line, and sorts every difference
 * into allowed (an allow-list entry explains it) or not.
 */
import type { Allowed } from "./allow-list.js";
import type { Step } from "./session.js";

export interface Difference {
  scenario: string;
  step: string;
  method: string;
  path: string;
  oned: string | undefined;
  emulator: string | undefined;
}

export function diffScenario(scenario: string, oned: Step[], emulator: Step[]): Difference[] {
  const out: Difference[] = [];
  const n = Math.max(oned.length, emulator.length);
  for (let i = 0; i < n; i++) {
    const a = oned[i];
    const b = emulator[i];
    if (a === undefined || b === undefined || a.method !== b.method) {
      out.push({
        scenario,
        step: `#${i} ${a?.label ?? b?.label}`,
        method: a?.method ?? b?.method ?? "?",
        path: "(step)",
        oned: a?.method,
        emulator: b?.method,
      });
      continue;
    }
    const left = new Map(a.lines);
    const right = new Map(b.lines);
    for (const path of new Set([...left.keys(), ...right.keys()])) {
      const x = left.get(path);
      const y = right.get(path);
      if (x !== y) out.push({ scenario, step: a.label, method: a.method, path, oned: x, emulator: y });
    }
  }
  return out;
}

/** The entry explaining `d`, if any. */
export function allowedBy(d: Difference, allowList: readonly Allowed[]): Allowed | undefined {
  const path = d.path.replace(/\[\d+\]/g, "[]");
  return allowList.find(
    (a) =>
      (a.method === undefined || a.method.test(d.method)) &&
      (a.step === undefined || a.step.test(`${d.scenario}: ${d.step}`)) &&
      a.path.test(path) &&
      (a.oned === undefined || a.oned.test(String(d.oned))) &&
      (a.emulator === undefined || a.emulator.test(String(d.emulator))),
  );
}

export function formatDifference(d: Difference): string {
  return `${d.scenario} › ${d.step} (${d.method}) ${d.path}: oned=${JSON.stringify(d.oned)} emulator=${JSON.stringify(d.emulator)}`;
}
