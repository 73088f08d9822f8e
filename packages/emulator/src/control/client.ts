/**
 * A client of the control API (`/_emulator/*`, see `./routes.ts`) of an emulator served elsewhere:
 * `homelab-emulator up`, or the container image. Calls go through core's `request()`, so a refusal
 * is core's `HttpError` (status, redacted request: the bearer token never shows), an unreachable
 * emulator core's `NetworkError`.
 */
import {
  type CallOptions,
  type ClosableTransport,
  request,
  type Transport,
  undiciTransport,
} from "@homelab-kit/core";
import type { WorldSnapshot } from "../world/snapshot.js";
import type { FaultRule, FaultRuleInit, WorldFault, WorldFaultInit } from "./faults.js";

export interface ControlClientOptions {
  /** The control API's base URL, `http://127.0.0.1:8080`. */
  url: string;
  /** Its bearer token (`EMULATOR_TOKEN` of the env file, `HOMELAB_EMULATOR_TOKEN` of a container). */
  token: string;
  /** Default: a keep-alive undici transport that `close()` closes. */
  transport?: Transport;
  /** Defaults for every call (`{timeout, retry, signal}`); the timeout defaults to 10 s. */
  defaults?: CallOptions;
}

/** `GET /_emulator/health` (open). */
export interface EmulatorHealth {
  status: string;
  topology: string;
  clock: { now: string; kind: string; speed: number };
  services: Record<string, unknown>;
  hosts: Array<{ name: string; power: string; post: string; up: boolean }>;
  faults: number;
}

export interface ControlClient {
  health(call?: CallOptions): Promise<EmulatorHealth>;
  faults: {
    /** An HTTP fault rule, or a world fault (a body with `kind`). */
    add(rule: FaultRuleInit | WorldFaultInit, call?: CallOptions): Promise<FaultRule | WorldFault>;
    list(call?: CallOptions): Promise<Array<FaultRule | WorldFault>>;
    remove(id: number, call?: CallOptions): Promise<void>;
    clear(call?: CallOptions): Promise<void>;
  };
  clock: {
    /** Moves the emulated clock forward; resolves with the new emulated time. */
    advance(ms: number, call?: CallOptions): Promise<{ now: string; ms: number }>;
  };
  state: {
    snapshot(call?: CallOptions): Promise<WorldSnapshot>;
    restore(snapshot: WorldSnapshot, call?: CallOptions): Promise<void>;
  };
  close(): Promise<void>;
}

export function createControlClient(options: ControlClientOptions): ControlClient {
  const base = options.url.replace(/\/+$/, "");
  const owned: ClosableTransport | undefined =
    options.transport === undefined ? undiciTransport() : undefined;
  const transport = options.transport ?? (owned as Transport);
  const defaults: CallOptions = { timeout: 10_000, ...options.defaults };
  const send = async (method: string, path: string, body: unknown, call: CallOptions | undefined) => {
    const res = await request(
      transport,
      {
        method,
        url: `${base}${path}`,
        headers: {
          authorization: `Bearer ${options.token}`,
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        idempotent: method === "GET",
      },
      { ...call, defaults },
    );
    return res.body.byteLength === 0
      ? undefined
      : (JSON.parse(new TextDecoder().decode(res.body)) as unknown);
  };
  return {
    health: async (call) => (await send("GET", "/_emulator/health", undefined, call)) as EmulatorHealth,
    faults: {
      add: async (rule, call) =>
        (await send("POST", "/_emulator/faults", rule, call)) as FaultRule | WorldFault,
      list: async (call) =>
        (await send("GET", "/_emulator/faults", undefined, call)) as Array<FaultRule | WorldFault>,
      remove: async (id, call) => {
        await send("DELETE", `/_emulator/faults/${encodeURIComponent(String(id))}`, undefined, call);
      },
      clear: async (call) => {
        await send("DELETE", "/_emulator/faults", undefined, call);
      },
    },
    clock: {
      advance: async (ms, call) =>
        (await send("POST", "/_emulator/clock", { advanceMs: ms }, call)) as { now: string; ms: number },
    },
    state: {
      snapshot: async (call) => (await send("GET", "/_emulator/state", undefined, call)) as WorldSnapshot,
      restore: async (snapshot, call) => {
        await send("PUT", "/_emulator/state", snapshot, call);
      },
    },
    close: async () => {
      await owned?.close();
    },
  };
}
