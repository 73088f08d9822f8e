/** Clusters (cluster.xsd, cluster_pool.xsd). */
import type { z } from "zod";
import { Ids, xmlInt, xmlList, xmlObject, xmlString } from "./coerce.js";
import { pool } from "./shared.js";
import { TemplateRecord } from "./template-record.js";

/** A OneDRS placement plan (7.0+, `one.cluster.optimize`). */
export const ClusterPlan = xmlObject({
  ID: xmlInt,
  STATE: xmlInt,
  ACTION: xmlList(
    xmlObject({
      ID: xmlInt,
      VM_ID: xmlInt,
      STATE: xmlInt,
      OPERATION: xmlString,
      HOST_ID: xmlInt,
      DS_ID: xmlInt,
      TIMESTAMP: xmlInt,
    }),
  ),
});
export type ClusterPlan = z.infer<typeof ClusterPlan>;

export const Cluster = xmlObject({
  ID: xmlInt,
  NAME: xmlString,
  HOSTS: Ids,
  DATASTORES: Ids,
  VNETS: Ids,
  TEMPLATE: TemplateRecord,
  PLAN: ClusterPlan.optional(),
});
export type Cluster = z.infer<typeof Cluster>;

/** `<CLUSTER_POOL>` of `one.clusterpool.info`. */
export const ClusterPool = pool("CLUSTER", Cluster);
export type ClusterPool = z.infer<typeof ClusterPool>;
