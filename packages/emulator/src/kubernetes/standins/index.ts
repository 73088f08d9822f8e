export type { CephCsiOptions } from "./ceph-csi.js";
export type { CertManagerOptions } from "./cert-manager.js";
export { createIssuerCa, issueLeaf, type KeyPair, type LeafRequest, parseGoDuration } from "./cert-pki.js";
export {
  CERT_MANAGER_CRDS,
  CERT_MANAGER_GROUP,
  CERT_MANAGER_VERSION,
  installCrds,
  METALLB_CRDS,
  METALLB_GROUP,
  METALLB_VERSION,
} from "./crds.js";
export { isStandInError, StandInError, type StandInErrorCode } from "./errors.js";
export { INGRESS_NGINX_CONTROLLER, type IngressNginxOptions, ingressInClass } from "./ingress-nginx.js";
export {
  type AddressRange,
  type AllocationRequest,
  type AllocationResult,
  IpAllocator,
  ipToNumber,
  numberToIp,
  type PoolSpec,
  parseAddressRange,
} from "./ip-pool.js";
export {
  type AcmeSolver,
  type IssuerCondition,
  type IssuerSpec,
  issuerType,
  solverFor,
  validateIssuer,
} from "./issuers.js";
export {
  ADDRESS_POOL_ANNOTATIONS,
  LOAD_BALANCER_IPS_ANNOTATIONS,
  type MetallbOptions,
  poolSpecOf,
  requestedIps,
} from "./metallb.js";
export type { StandInNode } from "./nodes.js";
export {
  deleteRbdVolume,
  expandRbdVolume,
  formatQuantity,
  ProvisionError,
  parseQuantity,
  provisionRbdVolume,
  RBD_PROVISIONER,
  roundOffBytes,
  volumeHandle,
} from "./rbd-volumes.js";
export { type StandIns, type StandInsOptions, startStandIns } from "./start.js";
