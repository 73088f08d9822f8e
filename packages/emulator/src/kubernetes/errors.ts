/** Why a cluster could not start (or stop). Stable values for `ClusterError.code`. */
export type ClusterErrorCode =
  /** A binary (kube-apiserver, etcd, kwok, kind, docker) is missing or not executable. */
  | "BINARY_NOT_FOUND"
  /** A component exited while the cluster was starting or running. */
  | "PROCESS_EXITED"
  /** The cluster was not ready within `startTimeout`. */
  | "START_TIMEOUT"
  /** The start was aborted through `signal`. */
  | "ABORTED"
  /** The provider cannot run here (no Docker, optional dependency not installed). */
  | "PROVIDER_UNAVAILABLE"
  /** The options are invalid. */
  | "INVALID_OPTIONS"
  /** Something else failed during the start (a file could not be written, …): see `cause`. */
  | "START_FAILED"
  /** An external command (kind, docker) failed. */
  | "COMMAND_FAILED";

export interface ClusterErrorOptions {
  code: ClusterErrorCode;
  /** The component concerned: `etcd`, `kube-apiserver`, `kind`, … */
  component?: string | undefined;
  /** The last lines the component wrote (its log), when it has one. */
  logTail?: string | undefined;
  /** The component's log file (deleted with the cluster's temp dir on cleanup). */
  logFile?: string | undefined;
  cause?: unknown;
}

const BRAND = Symbol.for("@homelab-kit/emulator/ClusterError");

/** The one error `startCluster` and `stop()` throw: `code` says what went wrong, `component` where. */
export class ClusterError extends Error {
  override readonly name = "ClusterError";
  readonly code: ClusterErrorCode;
  readonly component: string | undefined;
  readonly logTail: string | undefined;
  readonly logFile: string | undefined;

  constructor(message: string, options: ClusterErrorOptions) {
    const tail = options.logTail?.trim();
    super(tail ? `${message}\n--- last lines of ${options.component ?? "the log"} ---\n${tail}` : message, {
      cause: options.cause,
    });
    this.code = options.code;
    this.component = options.component;
    this.logTail = options.logTail;
    this.logFile = options.logFile;
    Object.defineProperty(this, BRAND, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}

/** Whether `value` is a ClusterError (from any copy of this package). */
export function isClusterError(value: unknown): value is ClusterError {
  return value instanceof ClusterError;
}
