// The hostile requests of the hardening report (docs/DESIGN.md §5 "Hostile input is budgeted"),
// as data: each probe sends its request(s) to a running `homelab-emulator up` and checks the answer.
// conformance/hardening/probes.test.ts replays them; bench/hardening/bench.mjs measures the emulator's
// peak RSS and /_emulator/health latency while each one is in flight.
import { send } from "./emulator.mjs";

const MB = 1_000_000;
const V1 = "application/vnd.ceph.api.v1.0+json";

/** @param {string} method @param {string} params the `<param>`s */
export function xmlRpcCall(method, params) {
  return `<?xml version="1.0"?><methodCall><methodName>${method}</methodName><params>${params}</params></methodCall>`;
}

/** A `<param>` holding a string value (the text is put in as given: references stay references). */
export const stringParam = (text) => `<param><value><string>${text}</string></value></param>`;

/** @param {string} body @param {string} [login] @param {string} [password] */
export function ribclScript(body, login = "Administrator", password = "emulator-ilo") {
  return `<?xml version="1.0"?>\r\n<RIBCL VERSION="2.0"><LOGIN USER_LOGIN="${login}" PASSWORD="${password}">${body}</LOGIN></RIBCL>\r\n`;
}

/** Every RESPONSE of a RIBCL answer as [STATUS, MESSAGE]. */
export function ribclStatuses(text) {
  return [...text.matchAll(/STATUS="(0x[0-9A-F]{4})"\s+MESSAGE='([^']*)'/g)].map((m) => [m[1], m[2]]);
}

/** `text` repeated to about `bytes` bytes. */
function repeat(text, bytes) {
  return text.repeat(Math.ceil(bytes / text.length));
}

const built = new Map();

/**
 * A request body built and encoded once per run, by name: a bench replays the probes, and building
 * 40 MB of text must not be measured as the emulator's time.
 */
function payload(name, build) {
  if (!built.has(name)) built.set(name, Buffer.from(build(), "utf8"));
  return built.get(name);
}

/**
 * What a probe sees: the endpoints `up --json` printed, the iLO CA, and a Ceph token.
 * @typedef {{endpoints: any, ca: string, cephToken(): Promise<string>}} ProbeContext
 * @typedef {{status: number, text: string, length: number, ms: number, error?: string, headers?: any}} Answer
 * @typedef {{name: string, run(ctx: ProbeContext): Promise<Answer | Answer[]>, check(answer: any): string | undefined}} Probe
 */

const rpc = (ctx, body, type = "text/xml") =>
  send({ url: ctx.endpoints.opennebula.url, method: "POST", headers: { "content-type": type }, body });
const ceph = (ctx, path, body, headers = {}) =>
  send({
    url: `${ctx.endpoints.ceph.url}${path}`,
    method: "POST",
    headers: { accept: V1, "content-type": "application/json", ...headers },
    body,
  });
const iloUrl = (ctx, generation) => ctx.endpoints.ilo.find((i) => i.generation === generation).url;
const ribcl = (ctx, script, headers = {}) =>
  send({ url: `${iloUrl(ctx, "ilo3")}/ribcl`, method: "POST", headers, body: script, ca: ctx.ca });

/** A check: the status, and (optionally) a text the answer contains, and a bound on its length. */
function expectAnswer(status, { contains, maxLength } = {}) {
  return (answer) => {
    if (answer.status !== status)
      return `status ${answer.status}${answer.error ? ` (${answer.error})` : ""}, expected ${status}: ${answer.text.slice(0, 300)}`;
    if (contains !== undefined && !answer.text.includes(contains))
      return `answer lacks ${JSON.stringify(contains)}: ${answer.text.slice(0, 300)}`;
    if (maxLength !== undefined && answer.length > maxLength)
      return `answer is ${answer.length} bytes (echoes the input?), at most ${maxLength} expected`;
    return undefined;
  };
}

/** @type {Probe[]} */
export const PROBES = [
  // 1. One unauthenticated request must not stall every API.
  {
    name: "XML-RPC: 30 MB string of &amp; without a session → 413 (limit 8 MiB)",
    run: (ctx) =>
      rpc(
        ctx,
        payload("amp30", () => xmlRpcCall("one.user.info", stringParam(repeat("&amp;", 30 * MB)))),
      ),
    check: expectAnswer(413),
  },
  {
    name: "XML-RPC: 8 MB string of &amp; as the session → AUTHENTICATION failure, short answer",
    run: (ctx) =>
      rpc(
        ctx,
        payload("amp8", () =>
          xmlRpcCall(
            "one.user.info",
            `${stringParam(repeat("&amp;", 8 * MB))}<param><value><i4>0</i4></value></param>`,
          ),
        ),
      ),
    check: expectAnswer(200, { contains: "<i4>256</i4>", maxLength: 4096 }),
  },
  {
    name: "XML-RPC: 25 MB <i8> → 413",
    run: (ctx) =>
      rpc(
        ctx,
        payload("i8-25", () =>
          xmlRpcCall(
            "one.vm.info",
            `${stringParam("oneadmin:opennebula")}<param><value><i8>${repeat("9", 25 * MB)}</i8></value></param>`,
          ),
        ),
      ),
    check: expectAnswer(413),
  },
  {
    name: "XML-RPC: 8 MB <i8> → parse fault that does not echo it",
    run: (ctx) =>
      rpc(
        ctx,
        payload("i8-8", () =>
          xmlRpcCall(
            "one.vm.info",
            `${stringParam("oneadmin:opennebula")}<param><value><i8>${repeat("9", 8 * MB)}</i8></value></param>`,
          ),
        ),
      ),
    check: expectAnswer(200, { contains: "<i4>-503</i4>", maxLength: 4096 }),
  },
  {
    name: "XML-RPC: 8 MB of nested <array>s → parse fault (depth budget)",
    run: (ctx) =>
      rpc(
        ctx,
        payload("arrays-8", () =>
          xmlRpcCall("one.vm.info", `<param><value>${repeat("<array><data><value>", 8 * MB)}`),
        ),
      ),
    check: expectAnswer(200, { contains: "nested deeper than 64", maxLength: 4096 }),
  },
  {
    name: "Ceph: 40 MB of nested JSON to POST /api/auth → 413 (logins take 4 KiB)",
    run: (ctx) =>
      ceph(
        ctx,
        "/api/auth",
        payload("json-40", () => repeat("[", 40 * MB)),
      ),
    check: expectAnswer(413),
  },
  {
    name: "Ceph: 4 KB of nested JSON to POST /api/auth → 400 Invalid JSON document",
    run: (ctx) => ceph(ctx, "/api/auth", repeat("[", 4000)),
    check: expectAnswer(400, { contains: "Invalid JSON document" }),
  },
  {
    name: "Ceph: 15 MB body without a token → 401 from the head",
    run: (ctx) => ceph(ctx, "/api/block/image", { declared: 15 * MB, send: Buffer.from("[") }),
    check: expectAnswer(401, { contains: "You are not authorized" }),
  },
  {
    name: "Ceph: 15 MB of nested JSON with a token → 400 Invalid JSON document",
    run: async (ctx) =>
      ceph(
        ctx,
        "/api/block/image",
        payload("json-15", () => repeat("[", 15 * MB)),
        {
          authorization: `Bearer ${await ctx.cephToken()}`,
        },
      ),
    check: expectAnswer(400, { contains: "Invalid JSON document" }),
  },
  {
    name: "Redfish: 40 MB of nested JSON to POST /Sessions → 413",
    run: (ctx) =>
      send({
        url: `${iloUrl(ctx, "ilo5")}/redfish/v1/SessionService/Sessions/`,
        method: "POST",
        headers: { "content-type": "application/json" },
        body: payload("json-40", () => repeat("[", 40 * MB)),
        ca: ctx.ca,
      }),
    check: expectAnswer(413),
  },
  {
    name: "Redfish: 3 KB of nested JSON to POST /Sessions → 400 MalformedJSON",
    run: (ctx) =>
      send({
        url: `${iloUrl(ctx, "ilo5")}/redfish/v1/SessionService/Sessions/`,
        method: "POST",
        headers: { "content-type": "application/json" },
        body: repeat("[", 3000),
        ca: ctx.ca,
      }),
    check: expectAnswer(400, { contains: "MalformedJSON" }),
  },
  {
    name: "control API: four parallel 500 MB PUT /_emulator/state without a token → 401 each",
    run: (ctx) =>
      Promise.all(
        [0, 1, 2, 3].map(() =>
          send({
            url: `${ctx.endpoints.control.url}/_emulator/state`,
            method: "PUT",
            headers: { "content-type": "application/json" },
            body: { declared: 500 * MB, send: payload("json-1", () => repeat("[", 1 * MB)) },
          }),
        ),
      ),
    check: (answers) => answers.map(expectAnswer(401)).find((p) => p !== undefined),
  },
  // 3. RIBCL &#99999999; before login.
  {
    name: "RIBCL: &#99999999; in PASSWORD → RIBCL syntax error (0x0001), not HTTP 500",
    run: (ctx) =>
      ribcl(
        ctx,
        ribclScript(
          '<SERVER_INFO MODE="read"><GET_HOST_POWER_STATUS/></SERVER_INFO>',
          "Administrator",
          "&#99999999;",
        ),
      ),
    check: (answer) =>
      expectAnswer(200)(answer) ??
      (ribclStatuses(answer.text)[0]?.[0] === "0x0001"
        ? undefined
        : `RIBCL statuses ${JSON.stringify(ribclStatuses(answer.text))}`),
  },
  // 5. RIBCL MODE and privileges.
  {
    name: 'RIBCL: SET_HOST_POWER inside MODE="read" is refused and the host stays off',
    run: async (ctx) => [
      await ribcl(
        ctx,
        ribclScript('<SERVER_INFO MODE="read"><SET_HOST_POWER HOST_POWER="Yes"/></SERVER_INFO>'),
      ),
      await ribcl(ctx, ribclScript('<SERVER_INFO MODE="read"><GET_HOST_POWER_STATUS/></SERVER_INFO>')),
    ],
    check: ([set, get]) =>
      ribclStatuses(set.text).at(-1)?.[0] !== "0x0023"
        ? `SET_HOST_POWER answered ${JSON.stringify(ribclStatuses(set.text).at(-1))}`
        : get.text.includes('HOST_POWER="OFF"')
          ? undefined
          : `the host is on: ${get.text.slice(0, 300)}`,
  },
  {
    name: "RIBCL: a user without ADMIN_PRIV cannot GET_USER another account nor GET_ALL_USERS",
    run: async (ctx) => [
      await ribcl(
        ctx,
        ribclScript(
          '<USER_INFO MODE="read"><GET_USER USER_LOGIN="Administrator"/></USER_INFO>',
          "operator",
          "operator-pw",
        ),
      ),
      await ribcl(
        ctx,
        ribclScript('<USER_INFO MODE="read"><GET_ALL_USERS/></USER_INFO>', "operator", "operator-pw"),
      ),
      await ribcl(
        ctx,
        ribclScript(
          '<USER_INFO MODE="read"><GET_USER USER_LOGIN="operator"/></USER_INFO>',
          "operator",
          "operator-pw",
        ),
      ),
    ],
    check: ([other, all, own]) =>
      [other, all].some(
        (a) =>
          ribclStatuses(a.text).at(-1)?.[1] !==
          "User does NOT have correct privilege for action. ADMIN_PRIV required.",
      )
        ? `answers ${JSON.stringify([other, all].map((a) => ribclStatuses(a.text).at(-1)))}`
        : own.text.includes('USER_LOGIN="operator"')
          ? undefined
          : `the operator cannot read their own account: ${own.text.slice(0, 300)}`,
  },
  // 6. Minor ones.
  {
    name: 'fault drop:"reset" on the HTTPS iLO resets the connection (no 500)',
    run: async (ctx) => {
      const control = (method, body) =>
        send({
          url: `${ctx.endpoints.control.url}/_emulator/faults`,
          method,
          headers: {
            authorization: `Bearer ${ctx.endpoints.control.token}`,
            "content-type": "application/json",
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      const added = await control("POST", {
        api: "ilo",
        operation: "GET /redfish/v1/*",
        drop: "reset",
        count: 1,
      });
      const answer = await send({ url: `${iloUrl(ctx, "ilo5")}/redfish/v1/Systems/1/`, ca: ctx.ca });
      await control("DELETE");
      return [added, answer];
    },
    check: ([added, answer]) =>
      added.status !== 201
        ? `fault not added: ${added.status} ${added.text}`
        : answer.error === "ECONNRESET"
          ? undefined
          : `answer ${answer.status} ${answer.error ?? answer.text.slice(0, 200)}`,
  },
  {
    name: "Ceph: an image of size 1e308 is refused as Pacific refuses it",
    run: async (ctx) =>
      ceph(ctx, "/api/block/image", '{"name":"huge","pool_name":"rbd","size":1e308}', {
        authorization: `Bearer ${await ctx.cephToken()}`,
      }),
    check: expectAnswer(500, { contains: "Python int too large to convert to C unsigned long" }),
  },
  {
    name: "Ceph: a 10 MB image name is refused (errno 36) and not echoed back whole",
    run: async (ctx) =>
      ceph(
        ctx,
        "/api/block/image",
        payload("name-10", () =>
          JSON.stringify({ name: "n".repeat(10 * MB), pool_name: "rbd", size: 1048576 }),
        ),
        {
          authorization: `Bearer ${await ctx.cephToken()}`,
        },
      ),
    check: expectAnswer(400, { contains: "[errno 36] error creating image", maxLength: 4096 }),
  },
  {
    name: "browser: /RPC2 with text/plain or a form body → 415",
    run: async (ctx) => [
      await rpc(ctx, xmlRpcCall("one.user.info", stringParam("oneadmin:opennebula")), "text/plain"),
      await rpc(ctx, "x=1", "application/x-www-form-urlencoded"),
    ],
    check: (answers) => answers.map(expectAnswer(415)).find((p) => p !== undefined),
  },
  {
    name: "browser: JSON APIs refuse a form and text/plain (Ceph login, Redfish login)",
    run: async (ctx) => [
      await ceph(ctx, "/api/auth", "username=admin&password=x", {
        "content-type": "application/x-www-form-urlencoded",
      }),
      await send({
        url: `${iloUrl(ctx, "ilo5")}/redfish/v1/SessionService/Sessions/`,
        method: "POST",
        headers: { "content-type": "text/plain" },
        body: '{"UserName":"Administrator","Password":"emulator-ilo"}',
        ca: ctx.ca,
      }),
    ],
    check: (answers) => answers.map(expectAnswer(415)).find((p) => p !== undefined),
  },
  {
    name: "browser: a rebound Host name and a cross-origin Origin → 403; loopback names pass",
    run: async (ctx) => {
      const health = `${ctx.endpoints.control.url}/_emulator/health`;
      const port = new URL(health).port;
      return [
        await send({ url: health, headers: { host: `attacker.example:${port}` } }),
        await ceph(ctx, "/api/auth", '{"username":"admin","password":"Adm1n-Passw0rd!"}', {
          origin: "https://attacker.example",
        }),
        await send({ url: health, headers: { host: `localhost:${port}` } }),
      ];
    },
    check: ([rebound, cross, local]) =>
      expectAnswer(403, { contains: "DNS rebinding" })(rebound) ??
      expectAnswer(403, { contains: "cross-origin" })(cross) ??
      expectAnswer(200)(local),
  },
  {
    name: "real clients still pass: python-hpilo's head (Host localhost:port, no Content-Type) and pyone's text/xml",
    run: async (ctx) => [
      await ribcl(ctx, ribclScript('<SERVER_INFO MODE="read"><GET_HOST_POWER_STATUS/></SERVER_INFO>'), {
        host: `localhost:${new URL(iloUrl(ctx, "ilo3")).port}`,
        connection: "Close",
      }),
      await rpc(ctx, xmlRpcCall("one.system.version", stringParam("oneadmin:opennebula"))),
    ],
    check: ([hpilo, pyone]) =>
      expectAnswer(200, { contains: "GET_HOST_POWER" })(hpilo) ??
      expectAnswer(200, { contains: "<boolean>1</boolean>" })(pyone),
  },
];

/** A Ceph login, remembered per context. */
export function probeContext(emulator) {
  let token;
  return {
    endpoints: emulator.endpoints,
    ca: emulator.ca,
    async cephToken() {
      if (token === undefined) {
        const answer = await ceph(
          { endpoints: emulator.endpoints },
          "/api/auth",
          JSON.stringify({
            username: emulator.endpoints.ceph.username,
            password: emulator.endpoints.ceph.password,
          }),
        );
        token = JSON.parse(answer.text).token;
      }
      return token;
    },
  };
}
