/**
 * Redaction by construction, for every error class every client exports: the list of classes is
 * taken from the packages' exports (a new error class without a recipe here fails the test), each
 * is built with a registered canary secret in every text a server can provide, and the canary must
 * not survive in `message`, `stack`, any own enumerable field, `JSON.stringify`, `util.inspect` or
 * any error of the `cause` chain — in clear, URL-encoded or base64. Each recipe also names the
 * fields that received server text: they must show `[REDACTED]`, so a recipe that never reaches a
 * field cannot pass by accident.
 */
import { inspect } from "node:util";
import * as ceph from "@homelab-kit/ceph";
import * as ilo from "@homelab-kit/ilo";
import * as iloRedfish from "@homelab-kit/ilo/redfish";
import * as iloRibcl from "@homelab-kit/ilo/ribcl";
import * as opennebula from "@homelab-kit/opennebula";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as core from "../src/index.js";

const CANARY = "hunter2 CANARY/7f3a+é";
const FORMS = [CANARY, encodeURIComponent(CANARY), Buffer.from(CANARY).toString("base64")];

/** Server text carrying the canary, labelled so a failure says which input leaked. */
const said = (label: string) => `${label} says ${CANARY}`;

function causeWith(label: string): Error {
  const inner = Object.assign(new Error(said(`${label} inner`)), { code: "ECONNRESET", detail: CANARY });
  return new Error(said(label), { cause: inner });
}

const json = { "content-type": "application/json" };
const request = {
  method: "POST",
  url: `https://admin:${encodeURIComponent(CANARY)}@server.example/api/x?token=${encodeURIComponent(CANARY)}`,
  headers: { authorization: `Bearer ${CANARY}`, "x-echo": CANARY },
};

interface Recipe {
  build(): Error;
  /** Own fields that hold server text: each must show `[REDACTED]`. */
  redacted: string[];
}

const position = { offset: 0, line: 1, column: 1 };

/** One recipe per exported error class, by class name. */
const RECIPES: Record<string, Recipe> = {
  ApiError: {
    build: () => new core.ApiError(said("message"), { code: `E_${CANARY}`, cause: causeWith("cause") }),
    redacted: ["code"],
  },
  HttpError: {
    build: () =>
      new core.HttpError({
        request,
        response: {
          status: 500,
          headers: { ...json, "x-echo": CANARY, "set-cookie": `token=${CANARY}` },
          body: JSON.stringify({ detail: said("detail"), nested: [{ text: CANARY }], password: CANARY }),
        },
        cause: causeWith("cause"),
      }),
    redacted: ["url", "headers", "body", "request"],
  },
  NetworkError: {
    build: () =>
      new core.NetworkError(said("socket"), { method: "GET", url: request.url, cause: causeWith("cause") }),
    redacted: ["url"],
  },
  TimeoutError: {
    build: () =>
      new core.TimeoutError({
        timeout: 10,
        phase: "headers",
        url: request.url,
        message: said("timeout"),
        cause: causeWith("cause"),
      }),
    redacted: ["url"],
  },
  ResponseValidationError: {
    build: () =>
      new core.ResponseValidationError({
        issues: [{ path: ["items", CANARY], message: said("issue") }],
        url: request.url,
        cause: causeWith("cause"),
      }),
    redacted: ["issues", "url"],
  },
  RequestScopedError: {
    build: () =>
      new (class Probe extends core.RequestScopedError {
        constructor() {
          super(
            {
              method: "GET",
              url: request.url,
              cause: causeWith("cause"),
              fields: { detail: said("detail") },
            },
            (where) => `${said("message")}${where}`,
            "PROBE",
          );
        }
      })(),
    redacted: ["url", "detail"],
  },
  ResponseTooLargeError: {
    build: () => new core.ResponseTooLargeError({ limit: 1, url: request.url, cause: causeWith("cause") }),
    redacted: ["url"],
  },
  InvalidRequestError: {
    build: () => new core.InvalidRequestError(said("request"), { cause: causeWith("cause") }),
    redacted: [],
  },
  CephApiError: {
    build: () =>
      new ceph.CephApiError({
        request,
        response: {
          status: 400,
          headers: json,
          body: JSON.stringify({
            detail: said("detail"),
            code: CANARY,
            component: CANARY,
            request_id: CANARY,
            task: { name: CANARY, metadata: { image_name: CANARY, password: CANARY } },
          }),
        },
      }),
    redacted: ["detail", "cephCode", "component", "requestId", "task", "body", "code"],
  },
  CephTaskError: {
    build: () =>
      new ceph.CephTaskError({
        task: { name: said("task"), metadata: { image_name: CANARY } },
        exception: { detail: said("exception"), code: CANARY, component: CANARY, more: [{ deep: CANARY }] },
      }),
    redacted: ["task", "detail", "cephCode", "component", "exception", "code"],
  },
  RibclError: {
    build: () => new ilo.RibclError({ status: 0x5f, message: said("RESPONSE MESSAGE"), command: CANARY }),
    redacted: ["ribclMessage", "command"],
  },
  RedfishError: {
    build: () =>
      new ilo.RedfishError({
        request,
        response: {
          status: 400,
          headers: json,
          body: JSON.stringify({
            error: {
              code: CANARY,
              message: said("message"),
              "@Message.ExtendedInfo": [
                { MessageId: `Base.1.0.${CANARY}`, MessageArgs: [CANARY, said("arg")] },
              ],
            },
          }),
        },
      }),
    redacted: ["messages", "body", "code"],
  },
  OpenNebulaError: {
    build: () =>
      new opennebula.OpenNebulaError({
        kind: "error",
        method: `one.${CANARY}`,
        message: `[one.user.info] ${said("oned")}`,
        errorCode: 0x100,
      }),
    redacted: ["method"],
  },
  VmWaitError: {
    build: () =>
      new opennebula.VmWaitError({
        id: 7,
        state: CANARY as never,
        lcmState: CANARY as never,
        stateValue: 3,
        lcmStateValue: 36,
      }),
    redacted: ["state", "lcmState"],
  },
  TemplateSyntaxError: {
    build: () => new opennebula.TemplateSyntaxError(said("template"), position),
    redacted: [],
  },
  TemplateValueError: {
    build: () => new opennebula.TemplateValueError(["CONTEXT", CANARY], said("value")),
    redacted: ["path"],
  },
  XmlSyntaxError: {
    build: () => new opennebula.XmlSyntaxError(said("xml"), position),
    redacted: ["reason"],
  },
  XmlRpcEncodeError: {
    build: () => new opennebula.XmlRpcEncodeError(said("encode"), `params[1].${CANARY}`),
    redacted: ["path"],
  },
};

/** Every error class the packages export (a class counts once, whatever it is exported as). */
function exportedErrorClasses(): Map<string, new (...args: never[]) => Error> {
  const found = new Map<string, new (...args: never[]) => Error>();
  for (const module of [core, ceph, ilo, iloRibcl, iloRedfish, opennebula]) {
    for (const value of Object.values(module)) {
      if (typeof value === "function" && value.prototype instanceof Error)
        found.set(value.name, value as new (...args: never[]) => Error);
    }
  }
  return found;
}

function stringify(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? v.toString() : v)) ?? "";
}

/** Every way an error can be rendered, its own fields and its whole cause chain included. */
function renderings(error: Error): Array<[string, string]> {
  const out: Array<[string, string]> = [
    ["message", error.message],
    ["String()", String(error)],
    ["stack", error.stack ?? ""],
    ["JSON.stringify", stringify(error)],
    ["util.inspect", inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true })],
  ];
  for (const key of Object.keys(error)) out.push([`field ${key}`, stringify((error as never)[key])]);
  let cause: unknown = error.cause;
  for (let depth = 1; cause !== undefined && depth < 8; depth++) {
    out.push([`cause ${depth}`, inspect(cause, { depth: Number.POSITIVE_INFINITY, showHidden: true })]);
    if (cause instanceof Error) {
      out.push([`cause ${depth} message`, cause.message], [`cause ${depth} stack`, cause.stack ?? ""]);
      for (const key of Object.keys(cause))
        out.push([`cause ${depth} field ${key}`, stringify((cause as never)[key])]);
    }
    cause = (cause as { cause?: unknown }).cause;
  }
  return out;
}

describe("every error class of every client redacts every field", () => {
  let unregister: () => void = () => {};
  beforeAll(() => {
    // What each client does with its password or token (createCephClient, createIloClient, …).
    unregister = core.registerSecret(CANARY);
  });
  afterAll(() => unregister());

  const classes = exportedErrorClasses();

  it("has a recipe for each exported error class, and no recipe for a class that is gone", () => {
    expect([...classes.keys()].filter((name) => !(name in RECIPES)).sort()).toEqual([]);
    expect(Object.keys(RECIPES).filter((name) => !classes.has(name))).toEqual([]);
    expect(classes.size).toBeGreaterThanOrEqual(17);
  });

  for (const [name, recipe] of Object.entries(RECIPES)) {
    it(`${name}: the canary survives nowhere`, () => {
      const error = recipe.build();
      expect(error).toBeInstanceOf(classes.get(name) as never);
      const leaks = renderings(error).filter(([, text]) => FORMS.some((form) => text.includes(form)));
      expect(leaks.map(([where, text]) => `${where}: ${text.slice(0, 300)}`)).toEqual([]);
      // The server text did reach the message and each listed field (then got redacted there).
      expect(error.message).toContain(core.REDACTED);
      for (const field of recipe.redacted) {
        expect(stringify((error as never)[field]), `${name}.${field}`).toContain(core.REDACTED);
      }
    });
  }
});
