/** VM templates (vmtemplate.xsd, vmtemplate_pool.xsd): the objects behind `one.template.*`. */
import type { z } from "zod";
import { xmlInt, xmlObject } from "./coerce.js";
import { ownedObjectFields, pool } from "./shared.js";
import { VmTemplateAttributes } from "./vm.js";

/** `<VMTEMPLATE>`: a VM template; its TEMPLATE is what `one.template.instantiate` starts from. */
export const VmTemplate = xmlObject({
  ...ownedObjectFields,
  REGTIME: xmlInt,
  TEMPLATE: VmTemplateAttributes,
});
export type VmTemplate = z.infer<typeof VmTemplate>;

/** `<VMTEMPLATE_POOL>` of `one.templatepool.info`. */
export const VmTemplatePool = pool("VMTEMPLATE", VmTemplate);
export type VmTemplatePool = z.infer<typeof VmTemplatePool>;
