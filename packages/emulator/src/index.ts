export type {
  ConnectionEnd,
  Fault,
  Framing,
  Route,
  RouteBody,
  RouteHandler,
  RouteMethod,
  RouteRequest,
  RouteResponse,
  RouteTable,
} from "./common/route-table.js";
export { RouteError, route } from "./common/route-table.js";
export { type ServedRoutes, type ServeOptions, serve } from "./common/serve.js";
export { generateSelfSignedCertificate, type TlsCredentials } from "./common/tls.js";
export { type RoutesTransportOptions, routesTransport } from "./common/transport.js";
