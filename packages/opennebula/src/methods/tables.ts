/**
 * Every method table by its XML-RPC object name (`one.<object>.<method>`): the 7.4 methods of the
 * 24 objects the client covers, as data (name, parameters in wire order, idempotency, release,
 * decoder). For tools that need the whole API: coverage checks, generated docs, emulators.
 */
import { aclMethods } from "./acl.js";
import { clusterMethods, clusterPoolMethods } from "./cluster.js";
import { datastoreMethods, datastorePoolMethods } from "./datastore.js";
import { groupMethods, groupPoolMethods } from "./group.js";
import { hostMethods, hostPoolMethods } from "./host.js";
import { imageMethods, imagePoolMethods } from "./image.js";
import { secgroupMethods, secgroupPoolMethods } from "./secgroup.js";
import { systemMethods } from "./system.js";
import { templateMethods, templatePoolMethods } from "./template.js";
import { userMethods, userPoolMethods } from "./user.js";
import { vmMethods } from "./vm.js";
import { vmgroupMethods, vmgroupPoolMethods } from "./vmgroup.js";
import { vmPoolMethods } from "./vmpool.js";
import { vnMethods, vnPoolMethods } from "./vn.js";

export const methodTables = {
  vm: vmMethods,
  vmpool: vmPoolMethods,
  template: templateMethods,
  templatepool: templatePoolMethods,
  host: hostMethods,
  hostpool: hostPoolMethods,
  image: imageMethods,
  imagepool: imagePoolMethods,
  datastore: datastoreMethods,
  datastorepool: datastorePoolMethods,
  vn: vnMethods,
  vnpool: vnPoolMethods,
  secgroup: secgroupMethods,
  secgrouppool: secgroupPoolMethods,
  user: userMethods,
  userpool: userPoolMethods,
  group: groupMethods,
  grouppool: groupPoolMethods,
  cluster: clusterMethods,
  clusterpool: clusterPoolMethods,
  vmgroup: vmgroupMethods,
  vmgrouppool: vmgroupPoolMethods,
  acl: aclMethods,
  system: systemMethods,
} as const;
