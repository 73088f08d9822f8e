/** Images (image.xsd, image_pool.xsd). */
import type { z } from "zod";
import { Ids, xmlEnum, xmlInt, xmlList, xmlObject, xmlString } from "./coerce.js";
import { DiskType, ImageState, ImageType } from "./enums.js";
import { DiskSnapshot, ownedObjectFields, pool } from "./shared.js";
import { TemplateRecord } from "./template-record.js";

export const ImageSnapshots = xmlObject({
  ALLOW_ORPHANS: xmlString.optional(),
  CURRENT_BASE: xmlInt.optional(),
  NEXT_SNAPSHOT: xmlInt.optional(),
  SNAPSHOT: xmlList(DiskSnapshot),
});
export type ImageSnapshots = z.infer<typeof ImageSnapshots>;

/** Increments of a BACKUP image (6.6+). */
export const ImageBackupIncrements = xmlObject({
  INCREMENT: xmlList(
    xmlObject({
      DATE: xmlString,
      ID: xmlString,
      PARENT_ID: xmlInt.optional(),
      SIZE: xmlString,
      SOURCE: xmlString,
      TYPE: xmlString,
    }),
  ),
});
export type ImageBackupIncrements = z.infer<typeof ImageBackupIncrements>;

export const Image = xmlObject({
  ...ownedObjectFields,
  TYPE: xmlEnum(ImageType),
  DISK_TYPE: xmlEnum(DiskType),
  PERSISTENT: xmlInt,
  REGTIME: xmlInt,
  MODTIME: xmlInt.optional(),
  SOURCE: xmlString,
  PATH: xmlString,
  FORMAT: xmlString.optional(),
  FS: xmlString,
  /** Size in MiB. */
  SIZE: xmlInt,
  STATE: xmlEnum(ImageState),
  PREV_STATE: xmlEnum(ImageState),
  RUNNING_VMS: xmlInt,
  CLONING_OPS: xmlInt,
  CLONING_ID: xmlInt,
  TARGET_SNAPSHOT: xmlInt,
  DATASTORE_ID: xmlInt,
  DATASTORE: xmlString,
  VMS: Ids,
  CLONES: Ids,
  APP_CLONES: Ids,
  TEMPLATE: TemplateRecord,
  SNAPSHOTS: ImageSnapshots,
  BACKUP_INCREMENTS: ImageBackupIncrements.optional(),
  BACKUP_DISK_IDS: Ids.optional(),
});
export type Image = z.infer<typeof Image>;

/** `<IMAGE_POOL>` of `one.imagepool.info`. */
export const ImagePool = pool("IMAGE", Image);
export type ImagePool = z.infer<typeof ImagePool>;
