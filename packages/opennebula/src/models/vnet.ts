/** Virtual networks (vnet.xsd, vnet_pool.xsd) with their address ranges and leases. */
import type { z } from "zod";
import { Ids, xmlEnum, xmlInt, xmlList, xmlObject, xmlString } from "./coerce.js";
import { VnetState } from "./enums.js";
import { ownedObjectFields, pool } from "./shared.js";
import { TemplateRecord } from "./template-record.js";

/** One lease of an address range: who holds which address. */
export const VnetLease = xmlObject({
  IP: xmlString.optional(),
  IP6: xmlString.optional(),
  IP6_GLOBAL: xmlString.optional(),
  IP6_LINK: xmlString.optional(),
  IP6_ULA: xmlString.optional(),
  MAC: xmlString.optional(),
  /** The VM holding the lease (-1 when it is on hold). */
  VM: xmlInt.optional(),
  VNET: xmlInt.optional(),
  VROUTER: xmlInt.optional(),
});
export type VnetLease = z.infer<typeof VnetLease>;

/** TYPE values of an address range (`one.vn.add_ar`). */
export const AddressRangeTypes = ["IP4", "IP6", "IP6_STATIC", "IP4_6", "IP4_6_STATIC", "ETHER"] as const;
export type AddressRangeType = (typeof AddressRangeTypes)[number];

/**
 * An address range (AR). The VNET AR fields were missing from the XSDs for years (docs/reference/opennebula/ISSUES.md #9):
 * every attribute not typed here is kept as it came.
 */
const addressRangeShape = {
  AR_ID: xmlInt,
  TYPE: xmlString,
  SIZE: xmlInt,
  MAC: xmlString,
  MAC_END: xmlString.optional(),
  IP: xmlString.optional(),
  IP_END: xmlString.optional(),
  IP6: xmlString.optional(),
  IP6_END: xmlString.optional(),
  IP6_ULA: xmlString.optional(),
  IP6_ULA_END: xmlString.optional(),
  IP6_GLOBAL: xmlString.optional(),
  IP6_GLOBAL_END: xmlString.optional(),
  GLOBAL_PREFIX: xmlString.optional(),
  ULA_PREFIX: xmlString.optional(),
  NEXT_INDEX: xmlInt.optional(),
  PARENT_NETWORK_AR_ID: xmlString.optional(),
  SHARED: xmlString.optional(),
  VLAN_ID: xmlString.optional(),
  VN_MAD: xmlString.optional(),
  USED_LEASES: xmlInt,
  LEASES: xmlObject({ LEASE: xmlList(VnetLease) }).optional(),
};
export const AddressRange = xmlObject(addressRangeShape);
export type AddressRange = z.infer<typeof AddressRange>;

const vnetShape = {
  ...ownedObjectFields,
  CLUSTERS: Ids,
  BRIDGE: xmlString,
  BRIDGE_TYPE: xmlString.optional(),
  STATE: xmlEnum(VnetState),
  PREV_STATE: xmlEnum(VnetState),
  PARENT_NETWORK_ID: xmlString,
  TEMPLATE_ID: xmlString,
  VN_MAD: xmlString,
  PHYDEV: xmlString,
  VLAN_ID: xmlString.optional(),
  OUTER_VLAN_ID: xmlString.optional(),
  VLAN_ID_AUTOMATIC: xmlString,
  OUTER_VLAN_ID_AUTOMATIC: xmlString,
  USED_LEASES: xmlInt,
  VROUTERS: Ids,
  UPDATED_VMS: Ids,
  OUTDATED_VMS: Ids,
  UPDATING_VMS: Ids,
  ERROR_VMS: Ids,
  TEMPLATE: TemplateRecord,
  AR_POOL: xmlObject({ AR: xmlList(AddressRange) }),
};
export const Vnet = xmlObject(vnetShape);
export type Vnet = z.infer<typeof Vnet>;

/**
 * An address range as pool bodies list it (vnet_pool.xsd): without LEASES, and USED_LEASES is
 * not in the schema either (the emulator, written after the XSD, leaves it out).
 */
export const AddressRangeSummary = xmlObject({ ...addressRangeShape, USED_LEASES: xmlInt.optional() });
export type AddressRangeSummary = z.infer<typeof AddressRangeSummary>;

/** A virtual network as `one.vnpool.info` lists it: its address ranges are {@link AddressRangeSummary}. */
export const VnetSummary = xmlObject({
  ...vnetShape,
  AR_POOL: xmlObject({ AR: xmlList(AddressRangeSummary) }),
});
export type VnetSummary = z.infer<typeof VnetSummary>;

/** `<VNET_POOL>` of `one.vnpool.info` (leases are left out of pool bodies by oned). */
export const VnetPool = pool("VNET", VnetSummary);
export type VnetPool = z.infer<typeof VnetPool>;
