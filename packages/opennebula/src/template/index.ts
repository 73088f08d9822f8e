export { type TemplatePosition, TemplateSyntaxError, TemplateValueError } from "./errors.js";
export { parseTemplate } from "./parse.js";
export { serializeTemplate } from "./serialize.js";
export type {
  Template,
  TemplateAttributeValue,
  TemplateInput,
  TemplateScalarInput,
  TemplateValueInput,
  TemplateVector,
  TemplateVectorInput,
} from "./types.js";
export { serializeTemplateXml } from "./xml.js";
