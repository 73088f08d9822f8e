/** `one.template.*` and `one.templatepool.*` of release-7.4.0 (docs/reference/opennebula/API.md §7): VM templates. */
import { VmTemplate } from "../models/vm-template.js";
import {
  chownMethod,
  filteredPoolMethod,
  id,
  idCall,
  lockMethod,
  type PermissionArgs,
  permissionBits,
  renameMethod,
  unlockMethod,
  updateMethod,
} from "./common.js";
import { asId, asModel, bool, method, str } from "./define.js";

export const templateMethods = {
  /** A new template from OpenNebula template syntax (or `<TEMPLATE>` XML) → its ID. */
  allocate: idCall<[template: string]>("one.template.allocate", [str("template")]),
  /** `recursive` also deletes the template's images. */
  delete: idCall<[id: number, recursive?: boolean]>("one.template.delete", [
    id,
    bool("recursive", { optional: true }),
  ]),
  /** `extended` resolves the DISK/NIC references into their images and networks. */
  info: method<[id: number, extended?: boolean, decrypt?: boolean]>()({
    name: "one.template.info",
    params: [id, bool("extended", { optional: true }), bool("decrypt", { optional: true })],
    idempotent: true,
    decode: asModel("VMTEMPLATE", VmTemplate),
  }),
  update: updateMethod("template"),
  rename: renameMethod("template"),
  /** `recursive` also changes the permissions of the template's images. */
  chmod: idCall<[id: number, ...bits: PermissionArgs, recursive?: boolean]>("one.template.chmod", [
    id,
    ...permissionBits,
    bool("recursive", { optional: true }),
  ]),
  chown: chownMethod("template"),
  lock: lockMethod("template"),
  unlock: unlockMethod("template"),
  /** A copy named `name` → its ID; `recursive` also clones the images. */
  clone: idCall<[id: number, name: string, recursive?: boolean]>("one.template.clone", [
    id,
    str("name"),
    bool("recursive", { optional: true }),
  ]),
  /**
   * A new VM from the template → the VM's ID (PENDING, or HOLD with `hold`). `name` "" lets oned
   * name it; `extraTemplate` is merged over the template; `persistent` gives the VM private
   * copies of the template and its images.
   */
  instantiate: method<
    [id: number, name: string, hold?: boolean, extraTemplate?: string, persistent?: boolean]
  >()({
    name: "one.template.instantiate",
    params: [
      id,
      str("name"),
      bool("hold", { optional: true }),
      str("extra_template", { optional: true }),
      bool("persistent", { optional: true }),
    ],
    idempotent: false,
    decode: asId,
  }),
};

export const templatePoolMethods = {
  /** The templates of the filter and ID range (or page: `(filter, offset, -pageSize)`). */
  info: filteredPoolMethod("template", "VMTEMPLATE_POOL", "VMTEMPLATE", VmTemplate),
};
