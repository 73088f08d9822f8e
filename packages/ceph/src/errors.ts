/**
 * Errors of the Ceph Dashboard API (README: "Errors").
 *
 *   HttpError (core)
 *   └─ CephApiError     any status >= 400, with the dashboard's `detail`, `code`, `component`,
 *                       `requestId` and, for task endpoints, the `task` it was about
 *   ApiError (core)
 *   └─ CephTaskError    a task that answered 202 and then failed (read from /api/task)
 *
 * The dashboard answers errors in three shapes (samples/, docs/reference/ceph/NOTES.md "Error body shapes"):
 * framework errors `{status, detail, request_id}`, dashboard errors `{detail, code, component}`
 * and synchronous task errors `{detail, code, component, status, task: {name, metadata}}`.
 */
import { ApiError, decodeErrorBody, HttpError, type HttpErrorInit } from "@homelab-kit/core";

/** The task a dashboard error or a task failure is about: `{name: "rbd/create", metadata: {…}}`. */
export interface CephTaskRef {
  name: string;
  metadata: Record<string, unknown>;
}

export interface CephApiErrorInit extends HttpErrorInit {
  /** The Accept version this client sent (`"1.0"`), to explain a 415. */
  requestedVersion?: string | undefined;
}

const INCORRECT_VERSION = /endpoint is '([\d.]+)', client requested '([\d.]+)'/;

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function asTask(value: unknown): CephTaskRef | undefined {
  const task = asRecord(value);
  return typeof task.name === "string" ? { name: task.name, metadata: asRecord(task.metadata) } : undefined;
}

export class CephApiError extends HttpError {
  static override readonly kind: string = "CephApiError";

  /** The dashboard's `detail` text (`"[errno 17] RBD image already exists …"`), if any; redacted. */
  declare readonly detail: string | undefined;
  /** The dashboard's own `code` as sent (`"22"`, `404`, `"invalid_credentials"`); `code` holds it as a string. */
  declare readonly cephCode: string | number | undefined;
  /** The dashboard's `component` (`"pool"`, `"rbd"`, `"auth"`), if any. */
  declare readonly component: string | undefined;
  /** CherryPy's `request_id` of framework errors (401, 403, 404, 415, 500). */
  declare readonly requestId: string | undefined;
  /** The task a synchronous task error is about (RBD operations); redacted. */
  declare readonly task: CephTaskRef | undefined;
  /** For a 415: the version the server's endpoint speaks, when it said so. */
  declare readonly serverVersion: string | undefined;
  /** For a 415: the version this client asked for. */
  declare readonly requestedVersion: string | undefined;

  constructor(init: CephApiErrorInit) {
    const body = asRecord(decodeErrorBody(init.response.body, init.response.headers));
    const detail = typeof body.detail === "string" ? body.detail : undefined;
    const cephCode =
      typeof body.code === "string" || typeof body.code === "number"
        ? (body.code as string | number)
        : undefined;
    const status = init.response.status;
    const method = init.request.method.toUpperCase();
    let serverVersion: string | undefined;
    let requestedVersion = init.requestedVersion;
    let message = init.message;
    let code = init.code ?? (cephCode !== undefined ? String(cephCode) : "HTTP_ERROR");
    if (status === 415) {
      const match = detail === undefined ? null : INCORRECT_VERSION.exec(detail);
      serverVersion = match?.[1];
      requestedVersion = match?.[2] ?? requestedVersion;
      code = init.code ?? "UNSUPPORTED_API_VERSION";
      message ??=
        serverVersion !== undefined
          ? `Ceph API version mismatch: the server's endpoint is v${serverVersion}, this client requested v${requestedVersion} (${method} ${init.request.url}); set the client option apiVersions to use v${serverVersion}`
          : `Ceph API version not accepted: this client requested v${requestedVersion ?? "?"}: ${detail ?? "415 Unsupported Media Type"} (${method} ${init.request.url})`;
    }
    message ??= `Ceph ${status}${detail !== undefined ? `: ${detail}` : ""} (${method} ${init.request.url})`;
    super({
      ...init,
      message,
      code,
      fields: {
        ...init.fields,
        detail,
        cephCode,
        component: typeof body.component === "string" ? body.component : undefined,
        requestId: typeof body.request_id === "string" ? body.request_id : undefined,
        task: asTask(body.task),
        serverVersion,
        requestedVersion,
      },
    });
  }
}

export interface CephTaskErrorInit {
  task: CephTaskRef;
  /** The task's `exception` from /api/task: usually `{detail, code, component, status, task}`. */
  exception: unknown;
}

export class CephTaskError extends ApiError {
  static override readonly kind: string = "CephTaskError";

  /** The task, redacted. */
  declare readonly task: CephTaskRef;
  /** The exception text (`exception.detail`), or the exception rendered as text; redacted. */
  declare readonly detail: string;
  declare readonly cephCode: string | number | undefined;
  declare readonly component: string | undefined;
  /** The `exception` object of the finished task, redacted (deeply). */
  declare readonly exception: unknown;

  constructor(init: CephTaskErrorInit) {
    const exception = asRecord(init.exception);
    const detail =
      typeof exception.detail === "string"
        ? exception.detail
        : init.exception === null || init.exception === undefined
          ? "no exception reported"
          : JSON.stringify(init.exception);
    const cephCode =
      typeof exception.code === "string" || typeof exception.code === "number"
        ? (exception.code as string | number)
        : undefined;
    super(`Ceph task ${init.task.name} ${JSON.stringify(init.task.metadata)} failed: ${detail}`, {
      code: cephCode !== undefined ? String(cephCode) : "TASK_FAILED",
      fields: {
        task: init.task,
        detail,
        cephCode,
        component: typeof exception.component === "string" ? exception.component : undefined,
        exception: init.exception,
      },
    });
  }
}

export const isCephApiError = (value: unknown): value is CephApiError => value instanceof CephApiError;
export const isCephTaskError = (value: unknown): value is CephTaskError => value instanceof CephTaskError;
