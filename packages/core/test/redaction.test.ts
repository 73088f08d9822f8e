import { inspect } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import {
  ApiError,
  checkWellFormed,
  fetchTransport,
  HttpError,
  InvalidRequestError,
  NetworkError,
  REDACTED,
  ResponseValidationError,
  redactHeaders,
  redactText,
  redactUrl,
  redactValue,
  registerRedactor,
  registerSecret,
  request,
  TimeoutError,
  type UndiciTransport,
  undiciTransport,
} from "../src/index.js";
import { closedPort, startServer, type TestServer } from "./helpers/server.js";

const CANARY = "hunter2-CANARY-7f3a";

/** Every way an error gets rendered: none may contain the canary, in any encoding. */
function renderings(error: unknown): Record<string, string> {
  const e = error as Error;
  return {
    message: e.message,
    string: String(e),
    stack: e.stack ?? "",
    json: JSON.stringify(e),
    inspect: inspect(e, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
    cause: inspect(e.cause, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
  };
}

function expectNoCanary(error: unknown, secret = CANARY): void {
  expect(error).toBeInstanceOf(ApiError);
  const encoded = [secret, encodeURIComponent(secret), Buffer.from(`admin:${secret}`).toString("base64")];
  for (const [how, text] of Object.entries(renderings(error))) {
    for (const form of encoded) expect(text.includes(form), `${how} leaks ${form}:\n${text}`).toBe(false);
  }
}

describe("rules", () => {
  test("sensitive headers are replaced whatever their value", () => {
    expect(
      redactHeaders({
        Authorization: "Bearer abc",
        Cookie: "s=1",
        "Set-Cookie": "s=2",
        "X-Auth-Token": "t",
        "Proxy-Authorization": "Basic x",
        Accept: "application/json",
      }),
    ).toEqual({
      authorization: REDACTED,
      cookie: REDACTED,
      "set-cookie": REDACTED,
      "x-auth-token": REDACTED,
      "proxy-authorization": REDACTED,
      accept: "application/json",
    });
  });

  test("URLs lose user-info and token/password/session query values, keeping the rest", () => {
    expect(
      redactUrl("https://admin:pw@ilo.lan:8443/redfish/v1?token=abc&x=1&password=p&sessionid=s#frag"),
    ).toBe(
      `https://${REDACTED}@ilo.lan:8443/redfish/v1?token=${REDACTED}&x=1&password=${REDACTED}&sessionid=${REDACTED}#frag`,
    );
    expect(redactUrl("http://h/path?page=2")).toBe("http://h/path?page=2");
    expect(redactUrl("not a url, token=abc")).toBe(`not a url, token=${REDACTED}`);
  });

  test("text: URLs, JSON keys, XML attributes and elements, header lines, bearer tokens", () => {
    expect(redactText("GET http://u:pw@h/x?api_key=k1 failed")).toBe(
      `GET http://${REDACTED}@h/x?api_key=${REDACTED} failed`,
    );
    expect(redactText('{"user":"a","password":"p\\"q","token": "t"}')).toBe(
      `{"user":"a","password":"${REDACTED}","token": "${REDACTED}"}`,
    );
    expect(redactText('<LOGIN USER_LOGIN="admin" PASSWORD="secret">')).toBe(
      `<LOGIN USER_LOGIN="admin" PASSWORD="${REDACTED}">`,
    );
    expect(redactText("<session>abc</session><name>x</name>")).toBe(
      `<session>${REDACTED}</session><name>x</name>`,
    );
    expect(redactText(`<LOGIN PASSWORD="it's" X='a"b' token='t"u'/>`)).toBe(
      `<LOGIN PASSWORD="${REDACTED}" X='a"b' token='${REDACTED}'/>`,
    );
    expect(redactText("login failed, password=hunter2 (user admin)")).toBe(
      `login failed, password=${REDACTED} (user admin)`,
    );
    expect(redactText("Authorization: Basic YWRtaW46cHc=\nAccept: */*")).toBe(
      `Authorization: ${REDACTED}\nAccept: */*`,
    );
    expect(redactText("sent Bearer eyJhbGciOi.x.y to h")).toBe(`sent Bearer ${REDACTED} to h`);
  });

  test("parsed bodies: sensitive keys replaced at any depth, strings redacted", () => {
    expect(
      redactValue({
        user: { name: "a", password: "p" },
        list: [{ token: "t" }, "http://u:p@h/"],
        n: 1,
        session: null,
        credentials: { user: "a", key: "k" },
      }),
    ).toEqual({
      user: { name: "a", password: REDACTED },
      credentials: REDACTED,
      list: [{ token: REDACTED }, `http://${REDACTED}@h/`],
      n: 1,
      session: null,
    });
  });

  test("registered secrets and redactors apply until removed", () => {
    const remove = registerSecret("s3ss10n-v4lue");
    const removeRedactor = registerRedactor((t) => t.replace(/oneadmin:[^<\s]+/g, `oneadmin:${REDACTED}`));
    try {
      expect(redactText("x s3ss10n-v4lue y")).toBe(`x ${REDACTED} y`);
      expect(redactText(`x ${encodeURIComponent("s3ss10n-v4lue")} y`)).toBe(`x ${REDACTED} y`);
      expect(redactText("<string>oneadmin:opennebula</string>")).toBe(
        `<string>oneadmin:${REDACTED}</string>`,
      );
    } finally {
      remove();
      removeRedactor();
    }
    expect(redactText("x s3ss10n-v4lue y")).toBe("x s3ss10n-v4lue y");
    expect(redactText("oneadmin:opennebula")).toBe("oneadmin:opennebula");
  });

  test("a secret registered twice stays until both registrations are removed", () => {
    const a = registerSecret("twice-registered");
    const b = registerSecret("twice-registered");
    a();
    a();
    expect(redactText("twice-registered")).toBe(REDACTED);
    b();
    expect(redactText("twice-registered")).toBe("twice-registered");
  });

  test("a throwing redactor does not break redaction", () => {
    const remove = registerRedactor(() => {
      throw new Error("bug");
    });
    try {
      expect(redactText("http://u:p@h/")).toBe(`http://${REDACTED}@h/`);
    } finally {
      remove();
    }
  });
});

describe(`the canary ${CANARY} never appears in an error`, () => {
  let server: TestServer;
  let transport: UndiciTransport;
  let unregister: () => void;
  beforeAll(async () => {
    // Echoes what it got: the body, the authorization header, and the URL.
    server = await startServer((req, res, body) => {
      const hang = req.url?.startsWith("/hang");
      if (hang) return;
      res.writeHead(500, {
        "content-type": req.headers["content-type"] ?? "text/plain",
        "set-cookie": `s=${CANARY}`,
      });
      res.end(`${body.toString()} | ${req.headers.authorization ?? ""} | ${req.url}`);
    });
    transport = undiciTransport();
  });
  afterAll(async () => {
    await transport.close();
    await server.close();
  });
  afterEach(() => unregister?.());

  const creds = () => server.url.replace("http://", `http://admin:${CANARY}@`);

  test("in URL user-info and query parameters (HttpError)", async () => {
    const error = await request(transport, {
      method: "GET",
      url: `${creds()}/x?token=${CANARY}&password=${CANARY}`,
      headers: {},
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expectNoCanary(error);
  });

  test("in an Authorization header and a JSON body echo (HttpError)", async () => {
    const error = await request(transport, {
      method: "POST",
      url: server.url,
      headers: { authorization: `Bearer ${CANARY}`, "content-type": "application/json" },
      body: JSON.stringify({ user: "admin", password: CANARY }),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expectNoCanary(error);
  });

  test("in a RIBCL LOGIN PASSWORD attribute echoed as XML (HttpError)", async () => {
    const error = await request(transport, {
      method: "POST",
      url: `${server.url}/ribcl`,
      headers: { "content-type": "text/xml" },
      body: `<RIBCL VERSION="2.0"><LOGIN USER_LOGIN="admin" PASSWORD="${CANARY}"></LOGIN></RIBCL>`,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expectNoCanary(error);
  });

  test("as a registered secret (an OpenNebula session) echoed in free text", async () => {
    const session = `oneadmin:${CANARY}`;
    unregister = registerSecret(session);
    const error = await request(transport, {
      method: "POST",
      url: `${server.url}/RPC2`,
      headers: { "content-type": "text/plain" },
      body: `methodCall one.vm.info ${session}`,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expectNoCanary(error, session);
    expectNoCanary(error);
  });

  test("NetworkError and TimeoutError with credentials in the URL", async () => {
    const port = await closedPort();
    const network = await request(transport, {
      method: "GET",
      url: `http://admin:${CANARY}@127.0.0.1:${port}/?session=${CANARY}`,
      headers: {},
    }).catch((e: unknown) => e);
    expect(network).toBeInstanceOf(NetworkError);
    expectNoCanary(network);
    const timeout = await request(
      transport,
      {
        method: "GET",
        url: `${creds()}/hang?token=${CANARY}`,
        headers: { authorization: `Basic ${CANARY}` },
      },
      { timeout: 50 },
    ).catch((e: unknown) => e);
    expect(timeout).toBeInstanceOf(TimeoutError);
    expectNoCanary(timeout);
  });

  test("through fetchTransport too (HttpError and NetworkError)", async () => {
    const http = await request(fetchTransport(), {
      method: "POST",
      url: `${creds()}/?password=${CANARY}`,
      headers: { "x-auth-token": CANARY, "content-type": "application/json" },
      body: JSON.stringify({ token: CANARY }),
    }).catch((e: unknown) => e);
    expect(http).toBeInstanceOf(HttpError);
    expectNoCanary(http);
    const port = await closedPort();
    const network = await request(fetchTransport(), {
      method: "GET",
      url: `http://admin:${CANARY}@127.0.0.1:${port}/`,
      headers: {},
    }).catch((e: unknown) => e);
    expect(network).toBeInstanceOf(NetworkError);
    expectNoCanary(network);
  });

  test("in a cause chain and an AggregateError", () => {
    unregister = registerSecret(CANARY);
    const inner = Object.assign(new Error(`socket to http://admin:${CANARY}@h failed`), {
      code: "ECONNRESET",
    });
    const outer = new Error(`wrapped ${CANARY}`, { cause: new AggregateError([inner], `all ${CANARY}`) });
    const error = new NetworkError(`request with ${CANARY}`, { cause: outer });
    expectNoCanary(error);
    expect(error.code).toBe("ECONNRESET");
    expect((error.cause as Error).message).toBe(`wrapped ${REDACTED}`);
  });

  test("in a ResponseValidationError issue message", () => {
    unregister = registerSecret(CANARY);
    const error = new ResponseValidationError({ issues: [{ path: ["token"], message: `got ${CANARY}` }] });
    expectNoCanary(error);
  });

  test("a secret with a lone surrogate registers (it has no URL-encoded form) and is redacted", () => {
    const odd = `${CANARY}\uD800`;
    unregister = registerSecret(odd);
    expect(redactText(`said ${odd}`)).toBe(`said ${REDACTED}`);
  });
});

describe("checkWellFormed", () => {
  test("refuses a lone surrogate with a typed error that names the field, not the value", () => {
    const error = (() => {
      try {
        checkWellFormed(`pw-\uDC00-${CANARY}`, "createXClient: password");
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ code: "INVALID_TEXT" });
    expect((error as Error).message).toBe(
      "createXClient: password is not well-formed Unicode: a lone surrogate at index 3 has no UTF-8 form",
    );
    expect(() => checkWellFormed("pässwörd 🔑", "password")).not.toThrow();
  });
});
