/** Complex types of shared.xsd used by several resources: PERMISSIONS, LOCK, quotas. */
import type { z } from "zod";
import { xmlInt, xmlList, xmlObject, xmlString } from "./coerce.js";

/** `PERMISSIONS`: the nine owner/group/other use/manage/admin bits as 0 or 1. */
export const Permissions = xmlObject({
  OWNER_U: xmlInt,
  OWNER_M: xmlInt,
  OWNER_A: xmlInt,
  GROUP_U: xmlInt,
  GROUP_M: xmlInt,
  GROUP_A: xmlInt,
  OTHER_U: xmlInt,
  OTHER_M: xmlInt,
  OTHER_A: xmlInt,
});
export type Permissions = z.infer<typeof Permissions>;

/** `LOCK`: present only while the object is locked (`one.*.lock`); LOCKED is the lock level. */
export const Lock = xmlObject({
  LOCKED: xmlInt,
  OWNER: xmlInt.optional(),
  TIME: xmlInt.optional(),
  REQ_ID: xmlInt.optional(),
});
export type Lock = z.infer<typeof Lock>;

/** One `SNAPSHOT` of a disk's `SNAPSHOTS` (the same in image.xsd and vm.xsd). */
export const DiskSnapshot = xmlObject({
  ACTIVE: xmlString.optional(),
  CHILDREN: xmlString.optional(),
  DATE: xmlInt,
  ID: xmlInt,
  NAME: xmlString.optional(),
  PARENT: xmlInt,
  SIZE: xmlInt,
});
export type DiskSnapshot = z.infer<typeof DiskSnapshot>;

/**
 * Quota entries. oned writes limits as strings that may be "-1" (default) or "-2" (unlimited)
 * and, for CPU, decimals; they stay strings as in the XSD.
 */
export const DatastoreQuota = xmlObject({
  DATASTORE: xmlList(
    xmlObject({
      ID: xmlString,
      IMAGES: xmlString,
      IMAGES_USED: xmlString,
      SIZE: xmlString,
      SIZE_USED: xmlString,
    }),
  ),
});
export type DatastoreQuota = z.infer<typeof DatastoreQuota>;

export const NetworkQuota = xmlObject({
  NETWORK: xmlList(xmlObject({ ID: xmlString, LEASES: xmlString, LEASES_USED: xmlString })),
});
export type NetworkQuota = z.infer<typeof NetworkQuota>;

export const VmQuota = xmlObject({
  VM: xmlList(
    xmlObject({
      CPU: xmlString,
      CPU_USED: xmlString,
      MEMORY: xmlString,
      MEMORY_USED: xmlString,
      RUNNING_VMS: xmlString.optional(),
      RUNNING_VMS_USED: xmlString.optional(),
      SYSTEM_DISK_SIZE: xmlString,
      SYSTEM_DISK_SIZE_USED: xmlString,
      VMS: xmlString,
      VMS_USED: xmlString,
    }),
  ),
});
export type VmQuota = z.infer<typeof VmQuota>;

export const ImageQuota = xmlObject({
  IMAGE: xmlList(xmlObject({ ID: xmlString, RVMS: xmlString, RVMS_USED: xmlString })),
});
export type ImageQuota = z.infer<typeof ImageQuota>;

/** The quota blocks shared by USER and GROUP (each optional: oned omits them when unset). */
export const quotaFields = {
  DATASTORE_QUOTA: DatastoreQuota.optional(),
  NETWORK_QUOTA: NetworkQuota.optional(),
  VM_QUOTA: VmQuota.optional(),
  IMAGE_QUOTA: ImageQuota.optional(),
};

/** The default quotas block (`DEFAULT_USER_QUOTAS`, `DEFAULT_GROUP_QUOTAS`). */
export const DefaultQuotas = xmlObject({
  DATASTORE_QUOTA: DatastoreQuota.optional(),
  NETWORK_QUOTA: NetworkQuota.optional(),
  VM_QUOTA: VmQuota.optional(),
  IMAGE_QUOTA: ImageQuota.optional(),
});
export type DefaultQuotas = z.infer<typeof DefaultQuotas>;

/** One `<QUOTAS>` entry of a user or group pool: the quotas of the user or group with that ID. */
export const PoolQuotas = xmlObject({ ID: xmlInt, ...quotaFields });
export type PoolQuotas = z.infer<typeof PoolQuotas>;

/** Identity fields every owned object starts with (ID, UID, GID, UNAME, GNAME, NAME). */
export const ownedObjectFields = {
  ID: xmlInt,
  UID: xmlInt,
  GID: xmlInt,
  UNAME: xmlString,
  GNAME: xmlString,
  NAME: xmlString,
  PERMISSIONS: Permissions,
  LOCK: Lock.optional(),
};

/** A pool document body (`<VM_POOL>`, `<HOST_POOL>`…): its items, always an array. */
export function pool<const Key extends string, Item extends z.ZodType>(key: Key, item: Item) {
  return xmlObject({ [key]: xmlList(item) } as { [K in Key]: ReturnType<typeof xmlList<Item>> });
}
