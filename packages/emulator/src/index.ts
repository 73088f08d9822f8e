export type {
  Fault,
  Framing,
  Route,
  RouteBody,
  RouteHandler,
  RouteMethod,
  RouteRequest,
  RouteResponse,
  RouteTable,
} from "./shared/routes.js";
export { RouteError, route } from "./shared/routes.js";
export { type ServedRoutes, type ServeOptions, serve } from "./shared/serve.js";
export { generateSelfSignedCertificate, type TlsCredentials } from "./shared/tls.js";
export { type RoutesTransportOptions, routesTransport } from "./shared/transport.js";
