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

/**
 * For each method of a backend group, how many arguments come before its call options:
 * `insert(device, url, call)` → 2. Checked against the method's type.
 */
type CallPositions<G> = {
  [K in keyof G]: G[K] extends (...args: infer A) => unknown
    ? Required<A> extends [...infer Before, CallOptions]
      ? Before["length"]
      : never
    : never;
};

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

  /** `pick`'s methods, each called once the backend is there; `callAt`: where the call options are. */
  function forward<G extends object>(pick: (b: IloBackend) => G, callAt: NoInfer<CallPositions<G>>): G {
    const call =
      (name: string, at: number) =>
      async (...args: unknown[]) => {
        const group = pick(await get(args[at] as CallOptions | undefined));
        return Reflect.apply(group[name as keyof G] as (...a: unknown[]) => unknown, group, args);
      };
    return Object.fromEntries(
      Object.entries(callAt).map(([name, at]) => [name, call(name, at as number)]),
    ) as G;
  }
  const power = forward((b) => b.power, {
    get: 0,
    on: 0,
    off: 0,
    press: 0,
    hold: 0,
    coldReset: 0,
    warmReset: 0,
    readings: 0,
  });
  const users = forward((b) => b.users, { list: 0, add: 1, remove: 1, setPassword: 2 });
  const { health, firmware, firmwareInventory, product } = forward(
    (b): Pick<IloBackend, "health" | "firmware" | "firmwareInventory" | "product"> => b,
    { health: 0, firmware: 0, firmwareInventory: 0, product: 0 },
  );

  return {
    protocol,
    power: {
      ...power,
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
    boot: forward((b) => b.boot, { getOneTime: 0, setOneTime: 1, getPersistent: 0, setPersistent: 1 }),
    virtualMedia: forward((b) => b.virtualMedia, { status: 1, insert: 2, eject: 1 }),
    health,
    firmware: Object.assign(firmware, { inventory: firmwareInventory }),
    logs: forward((b) => b.logs, { iml: 0, iel: 0, clearIml: 0, clearIel: 0 }),
    product,
    uid: forward((b) => b.uid, { get: 0, set: 1 }),
    users: {
      ...users,
      add: (user, call) => withSecret(user.password, () => users.add(user, call)),
      setPassword: (login, password, call) =>
        withSecret(password, () => users.setPassword(login, password, call)),
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
