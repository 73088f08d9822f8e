/**
 * The OpenNebula template language (`NAME = "value"`, `DISK = [ IMAGE_ID = "3", SIZE = "10" ]`):
 * a template is a list of attributes; an attribute is either a single value or a vector of
 * key/value pairs (one level, never deeper); an attribute name may repeat (DISK, NIC…).
 */

/** A vector attribute: `DISK = [ IMAGE_ID = "3", SIZE = "10" ]`. */
export interface TemplateVector {
  [key: string]: string;
}

/** One occurrence of an attribute. */
export type TemplateAttributeValue = string | TemplateVector;

/**
 * A parsed template: each name maps to its value, or to an array when the name occurs more than
 * once (in the order of the text). Names are upper-case, as oned stores them.
 */
export interface Template {
  [name: string]: TemplateAttributeValue | TemplateAttributeValue[];
}

/** What the serializers accept: numbers are written as decimal strings, `undefined` is skipped. */
export type TemplateScalarInput = string | number;
export interface TemplateVectorInput {
  [key: string]: TemplateScalarInput | undefined;
}
export type TemplateValueInput = TemplateScalarInput | TemplateVectorInput;
export interface TemplateInput {
  [name: string]: TemplateValueInput | readonly TemplateValueInput[] | undefined;
}
