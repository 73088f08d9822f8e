/** Why a stand-in could not start or do its work. Stable values for `StandInError.code`. */
export type StandInErrorCode =
  /** A MetalLB address (`10.0.0.0/24`, `10.0.0.10-10.0.0.20`, `10.0.0.7`) cannot be parsed. */
  | "INVALID_ADDRESS"
  /** The options are invalid (no kubeconfig, …). */
  | "INVALID_OPTIONS"
  /** CRDs, the IngressClass or the StorageClass could not be installed, or did not become Established. */
  | "INSTALL_FAILED"
  /** A watch could not list its resource at start. */
  | "WATCH_FAILED";

const BRAND = Symbol.for("@homelab-kit/emulator/StandInError");

/** The error `startStandIns` and the stand-ins' helpers throw. */
export class StandInError extends Error {
  override readonly name = "StandInError";
  readonly code: StandInErrorCode;

  constructor(message: string, options: { code: StandInErrorCode; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.code = options.code;
    Object.defineProperty(this, BRAND, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}

export function isStandInError(value: unknown): value is StandInError {
  return value instanceof StandInError;
}

/** The HTTP status of a client-node `ApiException` (or undefined for anything else). */
export function apiStatus(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "number" ? code : undefined;
}
