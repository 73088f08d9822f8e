/**
 * The default transport (docs/DESIGN.md §3): one undici `Agent` per client, with keep-alive, a
 * connection limit per origin, connect/headers/body timeouts and TLS options, including
 * certificate fingerprint pinning for BMCs with self-signed certificates (iLO).
 */
import type { SecureVersion, TLSSocket } from "node:tls";
import { Agent, buildConnector } from "undici";
import { InvalidRequestError } from "./errors.js";
import { hasHeader, parseRequestUrl } from "./request-url.js";
import type { ClosableTransport, Headers, TransportRequest, TransportResponse } from "./transport.js";
import { type PhaseTimeouts, toTransportError } from "./transport-errors.js";

export interface TlsOptions {
  /** Trusted CA certificate(s), PEM. Replaces Node's default CA list for this client. */
  ca?: string | Buffer | ReadonlyArray<string | Buffer> | undefined;
  /**
   * Verify the certificate chain and host name. Default `true`, or `false` when `fingerprint` is
   * set (the pin then replaces chain verification; pass `true` to require both).
   */
  rejectUnauthorized?: boolean | undefined;
  /** The TLS server name (SNI and host name verification), when it differs from the URL's host. */
  servername?: string | undefined;
  /**
   * SHA-256 fingerprint(s) of the server certificate (DER), hex with or without colons, as
   * `openssl x509 -noout -fingerprint -sha256` prints it. The connection fails unless the
   * certificate matches one of them.
   */
  fingerprint?: string | ReadonlyArray<string> | undefined;
  /**
   * Lowest TLS version to offer (`"TLSv1"` … `"TLSv1.3"`; Node's default is `"TLSv1.2"`). Old
   * BMCs (iLO 3, iLO 2) may need `"TLSv1"` together with `ciphers: "DEFAULT:@SECLEVEL=0"`.
   */
  minVersion?: SecureVersion | undefined;
  /** Highest TLS version to offer (Node's default is `"TLSv1.3"`). */
  maxVersion?: SecureVersion | undefined;
  /** OpenSSL cipher list for TLS ≤ 1.2 (Node's default list otherwise), e.g. `"DEFAULT:@SECLEVEL=0"`. */
  ciphers?: string | undefined;
}

export interface UndiciTransportOptions {
  /** Maximum sockets per origin (default: unlimited, as undici). */
  connections?: number | undefined;
  /** Idle keep-alive sockets are closed after this many ms (default 4000). */
  keepAliveTimeout?: number | undefined;
  /** Deadline to open the TCP/TLS connection, ms (default 10000). */
  connectTimeout?: number | undefined;
  /** Deadline for the response headers once the request is sent, ms (default 300000). */
  headersTimeout?: number | undefined;
  /** Deadline between two chunks of the response body, ms (default 300000). */
  bodyTimeout?: number | undefined;
  /**
   * Largest response body accepted, in bytes (default: unlimited). A larger body is cut off (the
   * connection is closed) and the call rejects with `ResponseTooLargeError`.
   */
  maxResponseBytes?: number | undefined;
  tls?: TlsOptions | undefined;
}

export interface UndiciTransport extends ClosableTransport {
  /** The undici Agent this transport owns. */
  readonly dispatcher: Agent;
}

/** A TLS connection whose certificate does not match the pinned fingerprint(s). */
export const CERT_FINGERPRINT_MISMATCH = "CERT_FINGERPRINT_MISMATCH";

function normalizeFingerprint(value: string): string {
  const hex = value.replace(/[:\s]/g, "").toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) {
    throw new InvalidRequestError(
      "tls.fingerprint must be a SHA-256 fingerprint: 64 hex digits, colons allowed",
      {
        code: "ERR_INVALID_FINGERPRINT",
      },
    );
  }
  return hex;
}

const TLS_VERSIONS: ReadonlySet<string> = new Set(["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]);

function checkTlsVersion(name: string, value: string | undefined): SecureVersion | undefined {
  if (value === undefined) return undefined;
  if (!TLS_VERSIONS.has(value)) {
    throw new InvalidRequestError(`${name} must be one of ${[...TLS_VERSIONS].join(", ")}`, {
      code: "ERR_INVALID_OPTION",
    });
  }
  return value as SecureVersion;
}

function checkTimeout(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new InvalidRequestError(`${name} must be a finite number of milliseconds >= 0`, {
      code: "ERR_INVALID_OPTION",
    });
  }
  return value;
}

type Connector = ReturnType<typeof buildConnector>;

function pinningConnector(base: Connector, pins: ReadonlySet<string>): Connector {
  return (options, callback) => {
    base(options, (error, socket) => {
      if (error !== null) {
        callback(error, null);
        return;
      }
      const peer = (socket as TLSSocket).getPeerCertificate?.();
      const actual = peer?.fingerprint256?.replace(/:/g, "").toUpperCase() ?? "";
      if (pins.has(actual)) {
        callback(null, socket);
        return;
      }
      socket.destroy();
      const mismatch = Object.assign(
        new Error(`certificate fingerprint ${actual || "(none)"} does not match the pinned fingerprint`),
        { code: CERT_FINGERPRINT_MISMATCH },
      );
      callback(mismatch, null);
    });
  };
}

function toHeaders(raw: Record<string, string | string[] | undefined>): Headers {
  const headers: Headers = {};
  for (const name in raw) {
    const value = raw[name];
    if (value === undefined) continue;
    headers[name] = typeof value === "string" ? value : value.join(name === "set-cookie" ? "\n" : ", ");
  }
  return headers;
}

/** Creates a transport on its own undici Agent. Call `close()` when the client is done. */
export function undiciTransport(options: UndiciTransportOptions = {}): UndiciTransport {
  const tls = options.tls ?? {};
  const timeouts: PhaseTimeouts = {
    connect: checkTimeout("connectTimeout", options.connectTimeout) ?? 10_000,
    headers: checkTimeout("headersTimeout", options.headersTimeout) ?? 300_000,
    body: checkTimeout("bodyTimeout", options.bodyTimeout) ?? 300_000,
  };
  const keepAliveTimeout = checkTimeout("keepAliveTimeout", options.keepAliveTimeout);
  if (
    options.connections !== undefined &&
    (!Number.isInteger(options.connections) || (options.connections as number) < 1)
  ) {
    throw new InvalidRequestError("connections must be an integer >= 1", { code: "ERR_INVALID_OPTION" });
  }
  const { maxResponseBytes } = options;
  if (maxResponseBytes !== undefined && (!Number.isInteger(maxResponseBytes) || maxResponseBytes < 0)) {
    throw new InvalidRequestError("maxResponseBytes must be an integer >= 0", { code: "ERR_INVALID_OPTION" });
  }
  const minVersion = checkTlsVersion("tls.minVersion", tls.minVersion);
  const maxVersion = checkTlsVersion("tls.maxVersion", tls.maxVersion);
  if (tls.ciphers !== undefined && typeof tls.ciphers !== "string") {
    throw new InvalidRequestError("tls.ciphers must be an OpenSSL cipher list string", {
      code: "ERR_INVALID_OPTION",
    });
  }
  const fingerprints = tls.fingerprint === undefined ? [] : [tls.fingerprint].flat();
  const pins = new Set(fingerprints.map(normalizeFingerprint));
  const pinned = pins.size > 0;
  const base = buildConnector({
    ...(tls.ca !== undefined ? { ca: [tls.ca].flat() as Array<string | Buffer> } : {}),
    ...(tls.servername !== undefined ? { servername: tls.servername } : {}),
    ...(minVersion !== undefined ? { minVersion } : {}),
    ...(maxVersion !== undefined ? { maxVersion } : {}),
    ...(tls.ciphers !== undefined ? { ciphers: tls.ciphers } : {}),
    rejectUnauthorized: tls.rejectUnauthorized ?? !pinned,
    timeout: timeouts.connect,
    // A resumed session may skip the certificate, and the pin must see it every time.
    ...(pinned ? { maxCachedSessions: 0 } : {}),
  });
  const dispatcher = new Agent({
    connect: pinned ? pinningConnector(base, pins) : base,
    headersTimeout: timeouts.headers,
    bodyTimeout: timeouts.body,
    ...(keepAliveTimeout !== undefined ? { keepAliveTimeout } : {}),
    ...(options.connections !== undefined ? { connections: options.connections } : {}),
    ...(maxResponseBytes !== undefined ? { maxResponseSize: maxResponseBytes } : {}),
  });

  const transport = async (req: TransportRequest): Promise<TransportResponse> => {
    const { origin, path, authorization } = parseRequestUrl(req.url);
    let headers = req.headers;
    if (authorization !== undefined && !hasHeader(headers, "authorization")) {
      headers = { ...headers, authorization };
    }
    try {
      const response = await dispatcher.request({
        origin,
        path,
        method: req.method as "GET",
        headers,
        body: req.body ?? null,
        signal: req.signal ?? null,
      });
      const body = new Uint8Array(await response.body.arrayBuffer());
      return { status: response.statusCode, headers: toHeaders(response.headers), body };
    } catch (error) {
      throw toTransportError(error, {
        method: req.method,
        url: req.url,
        signal: req.signal,
        timeouts,
        maxResponseBytes,
      });
    }
  };
  return Object.assign(transport, {
    dispatcher,
    close: async () => {
      await dispatcher.close();
    },
  });
}
