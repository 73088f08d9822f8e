/**
 * `createCephRoutes(state)`: the Ceph Manager Dashboard API of Pacific 16.2.15 as a route table
 * over a {@link CephState}. Paths not served answer as CherryPy does (404 `The path '…' was not found.`).
 */
import type { Route, RouteTable } from "../../common/route-table.js";
import { frameworkError } from "../http.js";
import type { CephState } from "../state.js";
import { authRoutes } from "./auth.js";
import { clusterRoutes } from "./cluster.js";
import { daemonRoutes } from "./daemon.js";
import { healthRoutes } from "./health.js";
import { hostRoutes } from "./host.js";
import { osdRoutes } from "./osd.js";
import { poolRoutes } from "./pool.js";
import { rbdImageRoutes } from "./rbd-image.js";
import { rbdSnapshotRoutes } from "./rbd-snapshot.js";
import { rbdTrashRoutes } from "./rbd-trash.js";
import { taskRoutes } from "./task.js";
import { userRoutes } from "./user.js";

export function createCephRoutes(state: CephState): RouteTable {
  // No controller matched: CherryPy's default handler, which also sets these two headers. It
  // answers from the path alone, so a body sent there is never read.
  const pathNotFound = (path: string) =>
    frameworkError(404, `The path '${path}' was not found.`, {
      "Content-Language": "en-US",
      "Cache-Control": "no-cache",
    });
  const notFound: Route = {
    method: "ALL",
    path: "/api/*",
    bodyType: "json",
    beforeBody: (head) => pathNotFound(head.path),
    handler: (request) => pathNotFound(request.path),
  };
  return [
    ...authRoutes(state),
    ...healthRoutes(state),
    ...hostRoutes(state),
    ...osdRoutes(state),
    ...poolRoutes(state),
    ...rbdImageRoutes(state),
    ...rbdSnapshotRoutes(state),
    ...rbdTrashRoutes(state),
    ...taskRoutes(state),
    ...clusterRoutes(state),
    ...userRoutes(state),
    ...daemonRoutes(state),
    notFound,
  ];
}
