import { ResponseValidationError } from "@homelab-kit/core";
import { describe, expect, it } from "vitest";
import { decodeDocumentResponse, OpenNebulaError, VmPoolExtended } from "../src/index.js";
import { failure, fault, stringValue, success } from "./helpers/xmlrpc-server.js";

describe("decodeDocumentResponse (bring your own transport)", () => {
  it("returns the document inside a successful response", () => {
    expect(decodeDocumentResponse(success(stringValue("<VM_POOL/>")), "one.vmpool.info")).toEqual({
      VM_POOL: "",
    });
    const body = Buffer.from(success(stringValue("<VM><ID>1</ID><NAME>a &amp; b</NAME></VM>")));
    expect(decodeDocumentResponse(body)).toEqual({ VM: { ID: "1", NAME: "a & b" } });
  });

  it("throws the client's errors", () => {
    expect(() =>
      decodeDocumentResponse(failure("[one.vm.info] Error getting virtual machine [5].", 1024, 5)),
    ).toThrow(OpenNebulaError);
    expect(() => decodeDocumentResponse(fault(-506, "Method 'x' not defined"))).toThrow(OpenNebulaError);
    expect(() => decodeDocumentResponse(success("<value><i4>5</i4></value>"))).toThrow(
      ResponseValidationError,
    );
    expect(() => decodeDocumentResponse("<html/>")).toThrow(ResponseValidationError);
  });

  it("feeds the zod models", () => {
    const doc = decodeDocumentResponse(success(stringValue("<VM_POOL/>")));
    expect(VmPoolExtended.parse(doc.VM_POOL === "" ? {} : doc.VM_POOL).VM).toEqual([]);
  });
});
