/** Datastores (datastore.xsd, datastore_pool.xsd). */
import type { z } from "zod";
import { Ids, xmlEnum, xmlInt, xmlObject, xmlString } from "./coerce.js";
import { DatastoreState, DatastoreType, DiskType } from "./enums.js";
import { ownedObjectFields, pool } from "./shared.js";
import { TemplateRecord } from "./template-record.js";

export const Datastore = xmlObject({
  ...ownedObjectFields,
  DS_MAD: xmlString,
  TM_MAD: xmlString,
  BASE_PATH: xmlString,
  TYPE: xmlEnum(DatastoreType),
  DISK_TYPE: xmlEnum(DiskType),
  STATE: xmlEnum(DatastoreState),
  CLUSTERS: Ids,
  /** Capacity in MiB. */
  TOTAL_MB: xmlInt,
  FREE_MB: xmlInt,
  USED_MB: xmlInt,
  IMAGES: Ids,
  TEMPLATE: TemplateRecord,
});
export type Datastore = z.infer<typeof Datastore>;

/** `<DATASTORE_POOL>` of `one.datastorepool.info`. */
export const DatastorePool = pool("DATASTORE", Datastore);
export type DatastorePool = z.infer<typeof DatastorePool>;
