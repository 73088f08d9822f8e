/**
 * Free-form TEMPLATE and USER_TEMPLATE content (xs:anyType in the XSDs): whatever attributes the
 * user or a driver wrote, kept as a typed record instead of being dropped or rejected.
 * A value is a string (`<CPU>1</CPU>`), a nested record (`<CONTEXT>…</CONTEXT>`) or, when an
 * attribute repeats (`<DISK>` twice), an array of those.
 */
import { z } from "zod";

export type TemplateValue = string | TemplateRecord | TemplateValue[];
export interface TemplateRecord {
  [attribute: string]: TemplateValue;
}

export const TemplateValue: z.ZodType<TemplateValue> = z.lazy(() =>
  z.union([z.string(), z.array(TemplateValue), TemplateRecord]),
);

export const TemplateRecord: z.ZodType<TemplateRecord> = z.lazy(() =>
  z.preprocess((value) => (value === "" ? {} : value), z.record(z.string(), TemplateValue)),
);

/**
 * A template whose well-known attributes are typed (`shape`) while every other attribute is kept
 * as a `TemplateValue`, e.g. a VM TEMPLATE whose DISK and NIC are always arrays.
 */
export function templateWith<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.preprocess((value) => (value === "" ? {} : value), z.object(shape).catchall(TemplateValue));
}
