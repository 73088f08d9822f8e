/**
 * The one error an example ends with: which step failed and why, in one line. The cause keeps the
 * client's own error (a core ApiError, a mysql2 error, a Kubernetes ApiException) for callers that
 * look deeper; the message is built from it once, redacted by core like every ApiError.
 */
import { ApiError, hasErrorKind } from "@homelab-kit/core";

/** One thing a step did (progress.ts records them). */
export interface StepChange {
  step: string;
  action: string;
  what: string;
  detail?: string | undefined;
}

export class StepError extends ApiError {
  static override readonly kind: string = "StepError";
  /** The step's name as the progress output printed it ("MySQL database", "PVC Bound"). */
  readonly step: string;
  /** The cause in one line (also the message's tail). */
  readonly reason: string;
  /** What the run had changed before this step failed (left in place, reported). */
  readonly changes: ReadonlyArray<StepChange>;

  constructor(
    step: string,
    cause: unknown,
    options: { code?: string; changes?: ReadonlyArray<StepChange> } = {},
  ) {
    const reason = describeCause(cause);
    super(`step "${step}" failed: ${reason}`, { code: options.code ?? codeOf(cause), cause });
    this.step = step;
    this.reason = reason;
    this.changes = options.changes ?? [];
  }
}

export const isStepError = (value: unknown): value is StepError => hasErrorKind(value, StepError.kind);

/** Bad input found before anything was touched: missing env, a bad flag. */
export class ConfigError extends ApiError {
  static override readonly kind: string = "ConfigError";
  constructor(message: string) {
    super(message, { code: "CONFIG" });
  }
}

export const isConfigError = (value: unknown): value is ConfigError => hasErrorKind(value, ConfigError.kind);

function codeOf(cause: unknown): string {
  if (cause !== null && typeof cause === "object" && "code" in cause) {
    const code = (cause as { code: unknown }).code;
    if (typeof code === "string" && code !== "") return code;
    if (typeof code === "number") return `HTTP_${code}`;
  }
  return "STEP_FAILED";
}

/**
 * One line for any error the steps meet: a Kubernetes ApiException gives its Status message (not
 * the headers and body it carries), a mysql2 error its code and text, anything else its message.
 */
export function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const kubernetes = kubernetesStatus(cause);
  if (kubernetes !== undefined) return kubernetes;
  const sqlCode = (cause as { code?: unknown; sqlMessage?: unknown }).code;
  const sqlMessage = (cause as { sqlMessage?: unknown }).sqlMessage;
  if (typeof sqlMessage === "string") return `${sqlMessage} (${String(sqlCode)})`;
  const first = cause.message.split("\n")[0] ?? "";
  // Node's network errors ("connect ECONNREFUSED 127.0.0.1:1") and AggregateErrors of them
  if (first === "" && cause instanceof AggregateError)
    return cause.errors.map((e: unknown) => describeCause(e)).join("; ");
  return first === "" ? cause.name : first;
}

/** `ApiException` of @kubernetes/client-node 1.x: `code` is the HTTP status, `body` the Status JSON. */
function kubernetesStatus(error: Error): string | undefined {
  const { code, body } = error as { code?: unknown; body?: unknown };
  if (typeof code !== "number" || body === undefined) return undefined;
  let message: string | undefined;
  const parsed = typeof body === "string" ? safeJson(body) : body;
  if (parsed !== null && typeof parsed === "object" && "message" in parsed)
    message = String((parsed as { message: unknown }).message);
  return `Kubernetes API ${code}: ${message ?? (typeof body === "string" ? body.slice(0, 200) : "no message")}`;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
