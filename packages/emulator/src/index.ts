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
