export { dns01Record } from "./acme-orders.js";
export type { CephCsiOptions } from "./ceph-csi.js";
export {
  ACME_CA_SECRET,
  type CertManagerOptions,
  type CertManagerStandIn,
  type Dns01Options,
} from "./cert-manager.js";
export {
  type CsrContents,
  type CsrRequest,
  createCsr,
  createIssuerCa,
  generatePrivateKey,
  type KeyPair,
  type PrivateKeySpec,
  parseGoDuration,
  readCsr,
  type SignOptions,
  signCsr,
} from "./cert-pki.js";
export { type CloudflareCredentials, CloudflareDns01 } from "./cloudflare-dns01.js";
export {
  ACME_GROUP,
  ACME_VERSION,
  CERT_MANAGER_CRDS,
  CERT_MANAGER_GROUP,
  CERT_MANAGER_VERSION,
  installCrds,
  METALLB_CRDS,
  METALLB_GROUP,
  METALLB_VERSION,
} from "./crds.js";
export { isStandInError, StandInError, type StandInErrorCode } from "./errors.js";
export type { IngressEndpoints, IngressListenOptions } from "./ingress-listener.js";
export {
  INGRESS_NGINX_CONTROLLER,
  type IngressNginxOptions,
  type IngressNginxStandIn,
  ingressInClass,
} from "./ingress-nginx.js";
export {
  hostMatches,
  type IngressRoute,
  routeRequest,
  serverFor,
  type TlsChoice,
  tlsFor,
} from "./ingress-routing.js";
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
