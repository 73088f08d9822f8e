/**
 * Free-form TEMPLATE and USER_TEMPLATE content (xs:anyType in the XSDs): whatever attributes the
 * user or a driver wrote, kept as a typed record instead of being dropped or rejected.
 * A value is a string (`<CPU>1</CPU>`, `<RESERVED_CPU/>` → ""), a nested record
 * (`<CONTEXT>…</CONTEXT>`) or, when an attribute repeats (`<DISK>` twice), an array of those.
 *
 * These are the hottest schemas of a pool (every VM has several templates), so they are checked
 * by one hand-written walk instead of a recursive zod union (validating 10,000 full VMs took 240 ms
 * of CPU instead of 540 ms), with the same issue paths. The value is returned as it came (no copy).
 */
import { z } from "zod";

export type TemplateValue = string | TemplateRecord | TemplateValue[];
export interface TemplateRecord {
  [attribute: string]: TemplateValue;
}

interface Problem {
  path: PropertyKey[];
  message: string;
  input: unknown;
}

/** A template value: a string, a record, or an array of those. */
export const TemplateValue = z.unknown().transform((value, ctx): TemplateValue => {
  const problems: Problem[] = [];
  checkValue(value, [], problems);
  return report(value as TemplateValue, problems, ctx);
});

/** A template: a record of template values; an empty element (`""`) is an empty record. */
export const TemplateRecord = z.unknown().transform((value, ctx): TemplateRecord => {
  if (value === "") return {};
  const problems: Problem[] = [];
  checkRecord(value, [], problems);
  return report(value as TemplateRecord, problems, ctx);
});

/**
 * A template parsed by `templateWith(shape)`: the well-known attributes typed by `shape`, every
 * other attribute a `TemplateValue`. Written as an intersection on purpose: zod infers one object
 * type with an index signature, which is not valid TypeScript once printed into a `.d.ts` (a typed
 * attribute such as `DISK: TemplateRecord[]` or `CPU?: string | undefined` does not fit the
 * `TemplateValue` index: TS2411 for users who type-check libraries). Reading an attribute gives
 * the same type either way.
 */
export type TemplateWith<Shape extends z.ZodRawShape> = z.output<z.ZodObject<Shape>> & TemplateRecord;

/**
 * A template whose well-known attributes are typed (`shape`) while every other attribute is kept
 * as a `TemplateValue`, e.g. a VM TEMPLATE whose DISK and NIC are always arrays.
 */
export function templateWith<Shape extends z.ZodRawShape>(shape: Shape): z.ZodType<TemplateWith<Shape>> {
  const schema = z.preprocess(
    (value) => (value === "" ? {} : value),
    z.object(shape).catchall(TemplateValue),
  );
  // The same output, typed as the intersection above (TypeScript cannot relate the two for a generic Shape).
  return schema as unknown as z.ZodType<TemplateWith<Shape>>;
}

function report<T>(value: T, problems: Problem[], ctx: z.RefinementCtx): T {
  for (const { path, message, input } of problems) ctx.addIssue({ code: "custom", message, path, input });
  return value;
}

/** `path` is a stack pushed and popped during the walk, copied only when a problem is found. */
function checkValue(value: unknown, path: PropertyKey[], problems: Problem[]): void {
  if (typeof value === "string") return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      if (typeof item === "string") continue;
      path.push(i);
      checkValue(item, path, problems);
      path.pop();
    }
    return;
  }
  if (isRecord(value)) {
    checkRecord(value, path, problems);
    return;
  }
  problems.push({
    path: [...path],
    message: `expected a template value (string, record or list), got ${kind(value)}`,
    input: value,
  });
}

function checkRecord(value: unknown, path: PropertyKey[], problems: Problem[]): void {
  if (!isRecord(value)) {
    problems.push({
      path: [...path],
      message: `expected a template (a record of attributes), got ${kind(value)}`,
      input: value,
    });
    return;
  }
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const item = value[key];
    if (typeof item === "string") continue;
    path.push(key);
    checkValue(item, path, problems);
    path.pop();
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function kind(value: unknown): string {
  if (value === null) return "null";
  return typeof value === "string" ? JSON.stringify(value) : typeof value;
}
