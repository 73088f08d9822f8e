import {
  type CallOptions,
  parseResponse,
  type ReauthPolicy,
  registerSecret,
  request,
  type SafeParseSchema,
  singleFlight,
  type Transport,
  withReauth,
} from "@homelab-kit/core";
import { RedfishError } from "../errors.js";
import { linkAt, notLinked } from "./links.js";
import { ServiceRoot } from "./schemas.js";

export type RedfishAuth = "session" | "basic";

export interface RedfishHttpOptions {
  baseUrl: string;
  username: string;
  password: string;
  transport: Transport;
  defaults: CallOptions;
  auth: RedfishAuth;
}

interface Session {
  token: string;
  /** Absolute URL of the session resource (the `Location` of the login), DELETEd on close. */
  location: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The one URI a Redfish client may know without being told (DSP0266 "Service root"). */
export const SERVICE_ROOT = "/redfish/v1/";

/**
 * Redfish over the core executor: JSON in and out, `RedfishError` for statuses >= 400, and a
 * session (`X-Auth-Token`) opened on first use at the `Links.Sessions` collection the service root
 * names, opened again once when iLO says NoValidSession (idle expiry), and always DELETEd by
 * `close()`.
 */
export function createRedfishHttp(options: RedfishHttpOptions) {
  const { username, password, transport, defaults } = options;
  const origin = new URL(options.baseUrl).origin;
  const unregister = [registerSecret(password)];
  let session: Session | null = null;
  let root: Promise<ServiceRoot> | null = null;
  let closed = false;

  const url = (path: string) => new URL(path, origin).toString();
  const toError = (
    response: { status: number; headers: Record<string, string>; body: Uint8Array },
    req: { method: string; url: string; headers: Record<string, string> },
  ) => (response.status >= 400 ? new RedfishError({ request: req, response }) : undefined);

  /**
   * The service root, read once: it is open to anyone (DSP0266), so no session is needed to learn
   * where to log in. With basic auth the credentials go along (a service may ask for them). A
   * failed read is not cached.
   */
  function serviceRoot(call: CallOptions): Promise<ServiceRoot> {
    if (!root) {
      const headers: Record<string, string> = { accept: "application/json", "odata-version": "4.0" };
      if (options.auth === "basic") Object.assign(headers, basicAuth());
      const reading = request(
        transport,
        { method: "GET", url: url(SERVICE_ROOT), headers },
        { ...call, defaults, httpError: toError },
      ).then((response) =>
        parseResponse(ServiceRoot, json(response.body), { method: "GET", url: url(SERVICE_ROOT) }),
      );
      reading.catch(() => {
        if (root === reading) root = null;
      });
      root = reading;
    }
    return root;
  }

  function basicAuth(): Record<string, string> {
    return { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}` };
  }

  async function openSession(call: CallOptions): Promise<Session> {
    const sessions = linkAt(await serviceRoot(call), "Links", "Sessions");
    if (sessions === undefined)
      throw notLinked(
        url(SERVICE_ROOT),
        "Links.Sessions",
        "REDFISH_NO_SESSION_SERVICE",
        'use redfishAuth: "basic"',
      );
    // The login runs without the caller's signal: an abort after the iLO created the session would
    // leave it open with nobody knowing its token. The caller's abort is honoured right after.
    const response = await request(
      transport,
      {
        method: "POST",
        url: url(sessions),
        headers: { "content-type": "application/json", "odata-version": "4.0", accept: "application/json" },
        body: JSON.stringify({ UserName: username, Password: password }),
      },
      { timeout: call.timeout ?? defaults.timeout, httpError: toError },
    );
    const token = response.headers["x-auth-token"];
    const location = response.headers.location;
    if (!token || !location) {
      throw new RedfishError({
        request: { method: "POST", url: url(sessions) },
        response,
        message: "the iLO created a session without X-Auth-Token or Location",
        code: "REDFISH_NO_SESSION_TOKEN",
      });
    }
    unregister.push(registerSecret(token));
    const opened = { token, location: new URL(location, origin).toString() };
    if (closed) {
      await deleteSession(opened);
      throw new Error("client closed while logging in");
    }
    return opened;
  }

  /** Concurrent requests share one login. */
  const login = singleFlight(openSession);

  /**
   * core's re-login policy: the session (`null` with basic auth), opened on first use and opened
   * again once when iLO answers 401 (an idle session expired).
   */
  function reauthPolicy(call: CallOptions): ReauthPolicy<Session | null> {
    return {
      async current() {
        if (closed) throw new Error("the iLO client is closed");
        if (options.auth === "basic") return null;
        if (!session) {
          session = await login(call);
          call.signal?.throwIfAborted();
        }
        return session;
      },
      invalidate(used) {
        if (session === used) session = null;
      },
      isAuthFailure: (error) =>
        options.auth === "session" && error instanceof RedfishError && error.status === 401,
    };
  }

  async function send(
    method: string,
    path: string,
    body: unknown,
    call: CallOptions,
    extra: Record<string, string> = {},
  ) {
    return withReauth(reauthPolicy(call), (used) => {
      const headers: Record<string, string> = {
        accept: "application/json",
        "odata-version": "4.0",
        ...extra,
        ...(used ? { "x-auth-token": used.token } : basicAuth()),
      };
      if (body !== undefined) headers["content-type"] = "application/json";
      return request(
        transport,
        {
          method,
          url: url(path),
          headers,
          body: body === undefined ? undefined : encoder.encode(JSON.stringify(body)),
        },
        { ...call, defaults, httpError: toError },
      );
    });
  }

  function json(bytes: Uint8Array): unknown {
    if (bytes.length === 0) return undefined;
    return JSON.parse(decoder.decode(bytes));
  }

  async function deleteSession(s: Session): Promise<void> {
    await request(
      transport,
      { method: "DELETE", url: s.location, headers: { "x-auth-token": s.token, accept: "application/json" } },
      { timeout: defaults.timeout ?? 10_000, httpError: false },
    );
  }

  return {
    /** The service root (`/redfish/v1/`), read once without a session. */
    root: (call: CallOptions = {}) => serviceRoot(call),
    async get<T>(
      path: string,
      schema: SafeParseSchema<T>,
      call: CallOptions = {},
    ): Promise<{ body: T; etag: string | undefined }> {
      const response = await send("GET", path, undefined, call);
      let value: unknown;
      try {
        value = json(response.body);
      } catch (e) {
        value = { invalidJson: String(e) };
      }
      return {
        body: parseResponse(schema, value, { method: "GET", url: url(path) }),
        etag: response.headers.etag,
      };
    },
    async patch(
      path: string,
      body: unknown,
      etag: string | undefined,
      call: CallOptions = {},
    ): Promise<void> {
      await send("PATCH", path, body, call, etag ? { "if-match": etag } : {});
    },
    async post(path: string, body: unknown, call: CallOptions = {}): Promise<void> {
      await send("POST", path, body, call);
    },
    async delete(path: string, call: CallOptions = {}): Promise<void> {
      await send("DELETE", path, undefined, call);
    },
    /** Logs out (DELETE on the session's Location) even after errors; never throws for that. */
    async close(): Promise<void> {
      closed = true;
      const s = session ?? (login.pending ? await login.pending.catch(() => null) : null);
      session = null;
      try {
        if (s) await deleteSession(s).catch(() => undefined);
      } finally {
        for (const u of unregister.splice(0)) u();
      }
    },
  };
}

export type RedfishHttp = ReturnType<typeof createRedfishHttp>;
