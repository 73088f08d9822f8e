/** Hosts (host.xsd, host_pool.xsd): capacity in HOST_SHARE, monitoring since 5.12 in MONITORING. */
import type { z } from "zod";
import { Ids, xmlDecimal, xmlEnum, xmlInt, xmlList, xmlObject, xmlString } from "./coerce.js";
import { HostState } from "./enums.js";
import { pool } from "./shared.js";
import { TemplateRecord } from "./template-record.js";

/**
 * Datastores the host sees. `DS` was missing from the XSD until 2024 and absent from pyone's
 * generated bindings (docs/reference/opennebula/ISSUES.md #9); here it is always an array.
 */
export const HostDatastores = xmlObject({
  DISK_USAGE: xmlInt,
  DS: xmlList(
    xmlObject({
      ID: xmlInt,
      FREE_MB: xmlInt,
      TOTAL_MB: xmlInt,
      USED_MB: xmlInt,
      REPLICA_CACHE: xmlString.optional(),
      REPLICA_CACHE_SIZE: xmlString.optional(),
      REPLICA_IMAGES: xmlInt.optional(),
    }),
  ),
  FREE_DISK: xmlInt,
  MAX_DISK: xmlInt,
  USED_DISK: xmlInt,
});
export type HostDatastores = z.infer<typeof HostDatastores>;

export const HostPciDevice = xmlObject({
  ADDRESS: xmlString,
  SHORT_ADDRESS: xmlString,
  DEVICE: xmlString,
  DEVICE_NAME: xmlString,
  VENDOR: xmlString,
  VENDOR_NAME: xmlString,
  CLASS: xmlString,
  CLASS_NAME: xmlString,
  TYPE: xmlString,
  /** The VM using the device, or -1. */
  VMID: xmlInt,
});
export type HostPciDevice = z.infer<typeof HostPciDevice>;

export const HostNumaNode = xmlObject({
  NODE_ID: xmlInt,
  CORE: xmlList(xmlObject({ ID: xmlInt, CPUS: xmlString, DEDICATED: xmlString, FREE: xmlInt })),
  HUGEPAGE: xmlList(xmlObject({ PAGES: xmlInt, SIZE: xmlInt, USAGE: xmlInt })),
  MEMORY: xmlObject({ DISTANCE: xmlString, TOTAL: xmlInt, USAGE: xmlInt }),
});
export type HostNumaNode = z.infer<typeof HostNumaNode>;

/** HOST_SHARE: CPU in percent of one core (800 = 8 cores), memory in KiB. */
export const HostShare = xmlObject({
  MEM_USAGE: xmlInt,
  CPU_USAGE: xmlInt,
  TOTAL_MEM: xmlInt,
  TOTAL_CPU: xmlInt,
  MAX_MEM: xmlInt,
  MAX_CPU: xmlInt,
  RUNNING_VMS: xmlInt,
  VMS_THREAD: xmlInt.optional(),
  DATASTORES: HostDatastores,
  PCI_DEVICES: xmlObject({ PCI: xmlList(HostPciDevice) }),
  NUMA_NODES: xmlObject({ NODE: xmlList(HostNumaNode) }),
});
export type HostShare = z.infer<typeof HostShare>;

export const HostMonitoring = xmlObject({
  TIMESTAMP: xmlInt.optional(),
  ID: xmlInt.optional(),
  CAPACITY: xmlObject({
    FREE_CPU: xmlDecimal.optional(),
    FREE_MEMORY: xmlDecimal.optional(),
    USED_CPU: xmlDecimal.optional(),
    USED_MEMORY: xmlDecimal.optional(),
  }).optional(),
  SYSTEM: xmlObject({ NETRX: xmlDecimal.optional(), NETTX: xmlDecimal.optional() }).optional(),
  NUMA_NODE: xmlList(
    xmlObject({
      NODE_ID: xmlInt,
      HUGEPAGE: xmlList(xmlObject({ FREE: xmlInt, SIZE: xmlInt })),
      MEMORY: xmlObject({ FREE: xmlString, USED: xmlInt }),
    }),
  ),
});
export type HostMonitoring = z.infer<typeof HostMonitoring>;

export const Host = xmlObject({
  ID: xmlInt,
  NAME: xmlString,
  STATE: xmlEnum(HostState),
  PREV_STATE: xmlEnum(HostState),
  IM_MAD: xmlString,
  VM_MAD: xmlString,
  CLUSTER_ID: xmlInt,
  CLUSTER: xmlString,
  HOST_SHARE: HostShare,
  VMS: Ids,
  TEMPLATE: TemplateRecord,
  MONITORING: HostMonitoring,
});
export type Host = z.infer<typeof Host>;

/** `<HOST_POOL>` of `one.hostpool.info`. */
export const HostPool = pool("HOST", Host);
export type HostPool = z.infer<typeof HostPool>;
