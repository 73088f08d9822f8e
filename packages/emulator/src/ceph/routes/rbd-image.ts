/** RBD images: list (v2.0, paginated), get, create, update/resize, delete, copy, flatten, move to trash. */
import type { Route } from "../../common/route-table.js";
import { cephRoute, integer, internalError, notFound, reply, required, taskError } from "../http.js";
import {
  addImage,
  checkImageName,
  childrenOf,
  findImage,
  imageSize,
  newImage,
  openImage,
  openPool,
  parseSpec,
  rbdError,
  removeImage,
  specText,
} from "../rbd-model.js";
import type { CephState, ImageState } from "../state.js";
import { runTask } from "../tasks.js";
import { DEFAULT_FEATURES, imageJson, isKnownFeature } from "../views.js";

function features(value: unknown, fallback: string[]): string[] {
  if (value === undefined || value === null) return [...fallback];
  if (!Array.isArray(value)) throw internalError();
  return value.map(String).filter(isKnownFeature);
}

function compare(sort: string): (a: ImageState, b: ImageState) => number {
  const desc = sort.startsWith("-");
  const key = sort.replace(/^[+-]/, "") || "name";
  const value = (i: ImageState): string | number =>
    key === "size" ? i.size : key === "pool_name" ? i.pool : key === "id" ? i.id : i.name;
  return (a, b) => {
    const x = value(a);
    const y = value(b);
    const order = x < y ? -1 : x > y ? 1 : 0;
    return desc ? -order : order;
  };
}

export function rbdImageRoutes(state: CephState): Route[] {
  const rbd = { scope: "rbd-image" } as const;
  return [
    cephRoute(
      state,
      { method: "GET", path: "/api/block/image", version: "2.0", ...rbd },
      ({ request, version }) => {
        const q = request.query;
        const pools =
          q.pool_name !== undefined
            ? [q.pool_name]
            : [...state.pools.values()].filter((p) => p.applications.includes("rbd")).map((p) => p.name);
        const search = q.search ?? "";
        const all = [...state.images.values()]
          .filter((i) => pools.includes(i.pool) && i.name.includes(search))
          .sort(compare(q.sort ?? "+name"));
        const offset = q.offset === undefined ? 0 : integer(q.offset);
        const limit = q.limit === undefined ? 5 : integer(q.limit);
        const page = limit < 0 ? all.slice(offset) : all.slice(offset, offset + limit);
        const byPool = new Map<string, { value: unknown[]; pool_name: string }>();
        for (const image of page) {
          const entry = byPool.get(image.pool) ?? { value: [], pool_name: image.pool };
          byPool.set(image.pool, entry);
          entry.value.push(imageJson(state, image, true));
        }
        return reply(200, [...byPool.values()], version, { "X-Total-Count": String(all.length) });
      },
    ),
    cephRoute(
      state,
      { method: "GET", path: "/api/block/image/default_features", version: "1.0", ...rbd },
      () => reply(200, [...DEFAULT_FEATURES]),
    ),
    cephRoute(
      state,
      { method: "GET", path: "/api/block/image/clone_format_version", version: "1.0", ...rbd },
      () => reply(200, 1),
    ),
    cephRoute(
      state,
      { method: "GET", path: "/api/block/image/:image_spec", version: "1.0", ...rbd },
      ({ request }) => {
        const image = findImage(state, parseSpec(request.params.image_spec));
        if (image === undefined) throw notFound("Image not found");
        return reply(200, imageJson(state, image));
      },
    ),
    cephRoute(
      state,
      { method: "POST", path: "/api/block/image", version: "1.0", ...rbd, permission: "create" },
      ({ body }) => {
        const name = String(required(body, "name"));
        const pool = String(required(body, "pool_name"));
        const size = required<unknown>(body, "size");
        const namespace = typeof body.namespace === "string" && body.namespace !== "" ? body.namespace : null;
        const task = {
          name: "rbd/create",
          metadata: { pool_name: pool, namespace: body.namespace ?? null, image_name: name },
        };
        return runTask(
          state,
          task,
          () => {
            openPool(state, pool, task);
            // The dashboard's `int(size)` (1.5 → 1), then the binding's uint64 conversion.
            const bytes = imageSize(task, typeof size === "number" ? Math.trunc(size) : size);
            checkImageName(task, name, "creating");
            if (findImage(state, { pool, namespace, name }) !== undefined) {
              throw rbdError(task, 17, "RBD image already exists (error creating image)");
            }
            const objSize =
              body.obj_size === undefined || body.obj_size === null
                ? 4 * 1024 * 1024
                : integer(body.obj_size);
            addImage(
              state,
              newImage(state, {
                pool,
                namespace,
                name,
                size: bytes,
                objSize,
                stripeUnit: objSize,
                features: features(body.features, DEFAULT_FEATURES),
                dataPool: typeof body.data_pool === "string" ? body.data_pool : null,
              }),
            );
            return null;
          },
          () => reply(201, null),
        );
      },
    ),
    cephRoute(
      state,
      { method: "PUT", path: "/api/block/image/:image_spec", version: "1.0", ...rbd, permission: "update" },
      ({ request, body }) => {
        const spec = parseSpec(request.params.image_spec);
        const task = { name: "rbd/edit", metadata: { image_spec: specText(spec), name: body.name ?? null } };
        return runTask(
          state,
          task,
          () => {
            const image = openImage(state, spec, task);
            if (typeof body.name === "string" && body.name !== image.name) {
              if (findImage(state, { ...spec, name: body.name }) !== undefined) {
                throw rbdError(task, 17, "RBD image already exists (error renaming image)");
              }
              removeImage(state, image);
              image.name = body.name;
              addImage(state, image);
            }
            if (body.size !== undefined && body.size !== null) {
              image.size = imageSize(task, body.size);
              image.usedBytes = Math.min(image.usedBytes, image.size);
            }
            if (Array.isArray(body.features)) image.features = features(body.features, image.features);
            return null;
          },
          () => reply(200, null),
        );
      },
    ),
    cephRoute(
      state,
      {
        method: "DELETE",
        path: "/api/block/image/:image_spec",
        version: "1.0",
        ...rbd,
        permission: "delete",
      },
      ({ request }) => {
        const spec = parseSpec(request.params.image_spec);
        const task = { name: "rbd/delete", metadata: { image_spec: specText(spec) } };
        return runTask(
          state,
          task,
          () => {
            const image = findImage(state, spec);
            if (image === undefined) throw taskError(task, "(404, 'Image not found')", 404, null, 404);
            // The dashboard unprotects and removes every snapshot first.
            for (const snap of image.snapshots) {
              if (snap.protected && childrenOf(state, image, snap.name).length > 0) {
                throw rbdError(
                  task,
                  16,
                  `RBD image is busy (error unprotecting snapshot b'${image.name}'@b'${snap.name}')`,
                );
              }
            }
            removeImage(state, image);
            return null;
          },
          () => reply(204, undefined),
        );
      },
    ),
    cephRoute(
      state,
      {
        method: "POST",
        path: "/api/block/image/:image_spec/copy",
        version: "1.0",
        ...rbd,
        permission: "create",
      },
      ({ request, body }) => {
        const spec = parseSpec(request.params.image_spec);
        const destPool = String(required(body, "dest_pool_name"));
        const destName = String(required(body, "dest_image_name"));
        const destNamespace = required<string | null>(body, "dest_namespace") || null;
        const task = {
          name: "rbd/copy",
          metadata: {
            src_image_spec: specText(spec),
            dest_pool_name: destPool,
            dest_namespace: body.dest_namespace ?? null,
            dest_image_name: destName,
          },
        };
        return runTask(
          state,
          task,
          () => {
            const source = openImage(state, spec, task);
            openPool(state, destPool, task);
            if (
              findImage(state, { pool: destPool, namespace: destNamespace, name: destName }) !== undefined
            ) {
              throw rbdError(
                task,
                17,
                `RBD image already exists (error copying image b'${source.name}' to b'${destName}')`,
              );
            }
            addImage(
              state,
              newImage(state, {
                pool: destPool,
                namespace: destNamespace,
                name: destName,
                size: source.size,
                objSize: source.objSize,
                stripeUnit: source.stripeUnit,
                features: features(body.features, source.features),
                usedBytes: source.usedBytes,
              }),
            );
            return null;
          },
          () => reply(200, null),
        );
      },
    ),
    cephRoute(
      state,
      {
        method: "POST",
        path: "/api/block/image/:image_spec/flatten",
        version: "1.0",
        ...rbd,
        permission: "update",
      },
      ({ request }) => {
        const spec = parseSpec(request.params.image_spec);
        const task = { name: "rbd/flatten", metadata: { image_spec: specText(spec) } };
        return runTask(
          state,
          task,
          () => {
            const image = openImage(state, spec, task);
            if (image.parent === undefined) {
              throw rbdError(task, 22, `RBD invalid argument (error flattening b'${image.name}')`);
            }
            const parent = findImage(state, {
              pool: image.parent.pool,
              namespace: image.parent.namespace,
              name: image.parent.image,
            });
            image.usedBytes = Math.min(image.size, Math.max(image.usedBytes, parent?.usedBytes ?? 0));
            image.parent = undefined;
            return null;
          },
          () => reply(200, null),
        );
      },
    ),
    cephRoute(
      state,
      {
        method: "POST",
        path: "/api/block/image/:image_spec/move_trash",
        version: "1.0",
        ...rbd,
        permission: "delete",
      },
      ({ request, body }) => {
        const spec = parseSpec(request.params.image_spec);
        const delay = body.delay === undefined ? 0 : integer(body.delay);
        // the dashboard's task metadata names the image only (@RbdTask('trash/move', ['{image_spec}']))
        const task = { name: "rbd/trash/move", metadata: { image_spec: specText(spec) } };
        return runTask(
          state,
          task,
          () => {
            const image = openImage(state, spec, task);
            removeImage(state, image);
            const now = state.now();
            state.trash.set(`${image.pool}/${image.id}`, {
              image,
              deletedAt: now,
              defermentEnd: now + delay * 1000,
            });
            return null;
          },
          () => reply(200, null),
        );
      },
    ),
  ];
}
