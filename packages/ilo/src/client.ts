import {
  type CallOptions,
  checkWellFormed,
  InvalidRequestError,
  registerSecret,
  type Transport,
  undiciTransport,
  waitFor,
} from "@homelab-kit/core";
import { discoverIlo, protocolFor } from "./detect.js";
import type { IloClientOptions } from "./options.js";
import { createRedfishBackend } from "./redfish/backend.js";
import { createRibclBackend } from "./ribcl/backend.js";
import type { IloBackend, IloClient, IloProtocol } from "./types.js";

function protocolOfGeneration(generation: IloClientOptions["generation"]): IloProtocol | undefined {
  if (generation === undefined || generation === "unknown") return undefined;
  return generation === "ilo2" || generation === "ilo3" ? "ribcl" : "redfish";
}

/**
 * Creates an iLO client. Nothing is sent until the first call; with `protocol: "auto"` the first
 * call reads `/xmldata?item=all` to choose RIBCL or Redfish.
 */
export function createIloClient(options: IloClientOptions): IloClient {
  let base: URL;
  try {
    base = new URL(options.baseUrl);
  } catch {
    throw new InvalidRequestError("baseUrl must be an absolute URL such as https://ilo.example");
  }
  if (typeof options.username !== "string" || typeof options.password !== "string") {
    throw new InvalidRequestError("username and password are required");
  }
  checkWellFormed(options.username, "createIloClient: username");
  checkWellFormed(options.password, "createIloClient: password");
  const unregister = registerSecret(options.password);
  const owned = options.transport
    ? undefined
    : undiciTransport({
        // iLO 3 answers one RIBCL request per connection and has few sockets: stay gentle.
        connections: 4,
        tls: options.insecure ? { ...options.tls, rejectUnauthorized: false } : options.tls,
      });
  const transport: Transport = options.transport ?? owned!;
  const defaults = options.defaults ?? {};
  const forced =
    options.protocol && options.protocol !== "auto"
      ? options.protocol
      : protocolOfGeneration(options.generation);

  let chosen: Promise<IloProtocol> | undefined = forced ? Promise.resolve(forced) : undefined;
  let backend: Promise<IloBackend> | undefined;
  let closed = false;

  function protocol(call: CallOptions = {}): Promise<IloProtocol> {
    if (!chosen) {
      const detecting = discoverIlo(base.toString(), transport, { ...defaults, ...call }).then(protocolFor);
      // A failed detection is not cached: the next call tries again.
      detecting.catch(() => {
        if (chosen === detecting) chosen = undefined;
      });
      chosen = detecting;
    }
    return chosen;
  }

  function get(call?: CallOptions): Promise<IloBackend> {
    if (closed) return Promise.reject(new InvalidRequestError("the iLO client is closed"));
    if (backend) return backend;
    const creating = protocol(call).then((p) => {
      const common = {
        baseUrl: base.toString(),
        username: options.username,
        password: options.password,
        transport,
        defaults,
      };
      return p === "ribcl"
        ? createRibclBackend(common)
        : createRedfishBackend({ ...common, auth: options.redfishAuth ?? "session" });
    });
    creating.catch(() => {
      if (backend === creating) backend = undefined;
    });
    backend = creating;
    return creating;
  }

  /** A secret passed as an argument (a new user's password) is redacted while the call runs. */
  async function withSecret<T>(secret: string, run: () => Promise<T>): Promise<T> {
    const done = registerSecret(secret);
    try {
      return await run();
    } finally {
      done();
    }
  }

  return {
    protocol,
    power: {
      get: async (call) => (await get(call)).power.get(call),
      on: async (call) => (await get(call)).power.on(call),
      off: async (call) => (await get(call)).power.off(call),
      press: async (call) => (await get(call)).power.press(call),
      hold: async (call) => (await get(call)).power.hold(call),
      coldReset: async (call) => (await get(call)).power.coldReset(call),
      warmReset: async (call) => (await get(call)).power.warmReset(call),
      readings: async (call) => (await get(call)).power.readings(call),
      async waitFor(state, call = {}) {
        const b = await get(call);
        const { interval = 1000, timeout = 300_000, signal } = call;
        await waitFor(
          ({ signal: pollSignal }) => b.power.get({ signal: pollSignal }),
          (s) => s === state,
          { interval, timeout, signal, description: `host power ${state}` },
        );
      },
    },
    boot: {
      getOneTime: async (call) => (await get(call)).boot.getOneTime(call),
      setOneTime: async (device, call) => (await get(call)).boot.setOneTime(device, call),
      getPersistent: async (call) => (await get(call)).boot.getPersistent(call),
      setPersistent: async (device, call) => (await get(call)).boot.setPersistent(device, call),
    },
    virtualMedia: {
      status: async (device, call) => (await get(call)).virtualMedia.status(device, call),
      insert: async (device, url, call) => (await get(call)).virtualMedia.insert(device, url, call),
      eject: async (device, call) => (await get(call)).virtualMedia.eject(device, call),
    },
    health: async (call) => (await get(call)).health(call),
    firmware: Object.assign(async (call?: CallOptions) => (await get(call)).firmware(call), {
      inventory: async (call?: CallOptions) => (await get(call)).firmwareInventory(call),
    }),
    logs: {
      iml: async (call) => (await get(call)).logs.iml(call),
      iel: async (call) => (await get(call)).logs.iel(call),
      clearIml: async (call) => (await get(call)).logs.clearIml(call),
      clearIel: async (call) => (await get(call)).logs.clearIel(call),
    },
    product: async (call) => (await get(call)).product(call),
    uid: {
      get: async (call) => (await get(call)).uid.get(call),
      set: async (on, call) => (await get(call)).uid.set(on, call),
    },
    users: {
      list: async (call) => (await get(call)).users.list(call),
      add: async (user, call) =>
        withSecret(user.password, async () => (await get(call)).users.add(user, call)),
      remove: async (login, call) => (await get(call)).users.remove(login, call),
      setPassword: async (login, password, call) =>
        withSecret(password, async () => (await get(call)).users.setPassword(login, password, call)),
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        const b = backend ? await backend.catch(() => undefined) : undefined;
        await b?.close();
      } finally {
        await owned?.close();
        unregister();
      }
    },
  };
}
