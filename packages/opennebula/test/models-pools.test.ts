/**
 * Pools with 0, 1 and N elements, single elements as arrays, unknown fields kept, bad values
 * reported at their path, and the model cases of docs/reference/opennebula/ISSUES.md (#3 short bodies, #5 non-ASCII,
 * #7 CDATA, #9 XSD lag).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { HostPool, ImagePool, Vm, VmPool, VmPoolExtended, VmSummary } from "../src/models/index.js";
import { parseXmlDocument } from "../src/xml/index.js";

const samplesDir = new URL("../../../docs/reference/opennebula/samples/", import.meta.url);
const sampleText = (name: string) => readFileSync(new URL(name, samplesDir), "utf8");
/** The reference full VM, as XML text (without its root tags), to build variations from. */
const vmXml = sampleText("vm.xml").trim();
const shortVmXml = /<VM>[\s\S]*?<\/VM>/.exec(sampleText("vm_pool.xml"))![0];
const hostXml = sampleText("host.xml").trim();

function issuesOf(
  schema: { safeParse(value: unknown): { error?: { issues: unknown[] } | undefined } },
  value: unknown,
) {
  const result = schema.safeParse(value);
  expect(result.error, "expected a validation error").toBeDefined();
  return result.error!.issues as Array<{ path: PropertyKey[]; message: string }>;
}

describe("pools with 0, 1 and N elements", () => {
  it.each([
    ["<VM_POOL/>", 0],
    ["<VM_POOL></VM_POOL>", 0],
    [`<VM_POOL>${shortVmXml}</VM_POOL>`, 1],
    [`<VM_POOL>${shortVmXml}${shortVmXml}${shortVmXml}</VM_POOL>`, 3],
  ])("%#: VM_POOL gives an array of %i summaries", (xml, count) => {
    const pool = VmPool.parse(parseXmlDocument(xml).VM_POOL);
    expect(Array.isArray(pool.VM)).toBe(true);
    expect(pool.VM).toHaveLength(count);
    for (const vm of pool.VM) expect(vm.ID).toBe(44);
  });

  it("a HOST_POOL with one host is an array of one", () => {
    const pool = HostPool.parse(parseXmlDocument(`<HOST_POOL>${hostXml}</HOST_POOL>`).HOST_POOL);
    expect(pool.HOST).toHaveLength(1);
    expect(pool.HOST[0]?.NAME).toBe("node01");
  });

  it("an empty IMAGE_POOL is an empty array", () => {
    expect(ImagePool.parse(parseXmlDocument("<IMAGE_POOL/>").IMAGE_POOL)).toEqual({ IMAGE: [] });
  });

  it("infoextended pools carry full VMs", () => {
    const pool = VmPoolExtended.parse(parseXmlDocument(`<VM_POOL>${vmXml}${vmXml}</VM_POOL>`).VM_POOL);
    expect(pool.VM.map((vm) => vm.PERMISSIONS.OWNER_U)).toEqual([1, 1]);
  });
});

describe("single elements are arrays", () => {
  it("one DISK, one NIC and one HISTORY are arrays of one; none is an empty array", () => {
    const vm = Vm.parse(parseXmlDocument(vmXml).VM);
    expect(vm.TEMPLATE.DISK).toHaveLength(1);
    expect(vm.TEMPLATE.NIC).toHaveLength(1);
    expect(vm.TEMPLATE.NIC[0]?.IP).toBe("192.168.10.100");
    expect(vm.HISTORY_RECORDS.HISTORY).toHaveLength(1);
    expect(vm.TEMPLATE.NIC_ALIAS).toEqual([]);

    const noNic = Vm.parse(parseXmlDocument(vmXml.replace(/<NIC>[\s\S]*?<\/NIC>/g, "")).VM);
    expect(noNic.TEMPLATE.NIC).toEqual([]);
  });
});

describe("unknown fields are kept (APIs grow; docs/reference/opennebula/ISSUES.md #9)", () => {
  it("at the top level, in nested objects and in free-form templates", () => {
    const xml = vmXml
      .replace("<LAST_POLL>", "<FUTURE_FIELD>8.0</FUTURE_FIELD><LAST_POLL>")
      .replace("<CPU><![CDATA[3.5]]></CPU>", "<CPU><![CDATA[3.5]]></CPU><GPU_USAGE>12</GPU_USAGE>")
      .replace("<USER_TEMPLATE>", "<USER_TEMPLATE><OWNER_TEAM><NAME>infra</NAME></OWNER_TEAM>");
    const vm = Vm.parse(parseXmlDocument(xml).VM);
    expect(vm.FUTURE_FIELD).toBe("8.0");
    expect(vm.MONITORING.GPU_USAGE).toBe("12");
    expect(vm.USER_TEMPLATE.OWNER_TEAM).toEqual({ NAME: "infra" });
  });

  it("ALLOW_ORPHANS and other undeclared disk attributes stay in DISK", () => {
    const vm = Vm.parse(parseXmlDocument(vmXml).VM);
    expect(vm.TEMPLATE.DISK[0]?.ALLOW_ORPHANS).toBe("mixed");
  });

  it("a state this release does not know keeps its number and gets no name", () => {
    const vm = Vm.parse(
      parseXmlDocument(vmXml.replace("<LCM_STATE>3</LCM_STATE>", "<LCM_STATE>99</LCM_STATE>")).VM,
    );
    expect(vm.LCM_STATE).toEqual({ value: 99, name: null });
  });
});

describe("bad values give a zod error naming the path", () => {
  it("a non-numeric ID", () => {
    const issues = issuesOf(Vm, parseXmlDocument(vmXml.replace("<ID>42</ID>", "<ID>forty-two</ID>")).VM);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toEqual(["ID"]);
    expect(issues[0]?.message).toContain('"forty-two"');
  });

  it("an integer too large to be exact as a JavaScript number", () => {
    const issues = issuesOf(
      Vm,
      parseXmlDocument(vmXml.replace("<STIME>1753862401</STIME>", "<STIME>18446744073709551615</STIME>")).VM,
    );
    expect(issues.map((issue) => issue.path)).toEqual([["STIME"]]);
    expect(issues[0]?.message).toContain("2^53");
  });

  it("a bad STATE deep in a pool", () => {
    const second = shortVmXml.replace("<STATE>1</STATE>", "<STATE>1.5</STATE>");
    const issues = issuesOf(VmPool, parseXmlDocument(`<VM_POOL>${shortVmXml}${second}</VM_POOL>`).VM_POOL);
    expect(issues.map((issue) => issue.path)).toEqual([["VM", 1, "STATE"]]);
  });

  it("a bad number inside a repeated nested element", () => {
    const xml = hostXml.replace("<TOTAL_MB><![CDATA[457862]]></TOTAL_MB>", "<TOTAL_MB>lots</TOTAL_MB>");
    const issues = issuesOf(HostPool, parseXmlDocument(`<HOST_POOL>${xml}</HOST_POOL>`).HOST_POOL);
    expect(issues.map((issue) => issue.path)).toEqual([
      ["HOST", 0, "HOST_SHARE", "DATASTORES", "DS", 0, "TOTAL_MB"],
    ]);
  });

  it("a missing required element", () => {
    const issues = issuesOf(Vm, parseXmlDocument(vmXml.replace(/<DEPLOY_ID>.*?<\/DEPLOY_ID>/, "")).VM);
    expect(issues.map((issue) => issue.path)).toEqual([["DEPLOY_ID"]]);
  });

  it("a document that is not an object at all", () => {
    expect(issuesOf(Vm, "oops")[0]?.path).toEqual([]);
    expect(issuesOf(VmPool, 42)[0]?.path).toEqual([]);
  });
});

describe("docs/reference/opennebula/ISSUES.md #3: a short pool body is never a full VM", () => {
  it("VmSummary parses the short body; Vm rejects it, naming what is missing", () => {
    const raw = parseXmlDocument(shortVmXml).VM;
    expect(VmSummary.parse(raw).NAME).toBe("ci-runner-44");
    const missing = issuesOf(Vm, raw).map((issue) => issue.path.join("/"));
    expect(missing).toEqual(expect.arrayContaining(["PERMISSIONS", "PREV_STATE", "PREV_LCM_STATE"]));
  });

  it("an infoextended parse of a one.vmpool.info answer fails instead of mistyping", () => {
    const raw = parseXmlDocument(sampleText("vm_pool.xml")).VM_POOL;
    expect(VmPoolExtended.safeParse(raw).success).toBe(false);
    expect(VmPool.safeParse(raw).success).toBe(true);
  });
});

describe("docs/reference/opennebula/ISSUES.md #5 and #7: text is kept exactly", () => {
  it("non-ASCII names and descriptions survive", () => {
    const xml = vmXml
      .replace("<NAME>web-01</NAME>", "<NAME>serveur-élève-😀</NAME>")
      .replace("Front web server (nginx) & reverse proxy", "Descripción: ñandú – 東京");
    const vm = Vm.parse(parseXmlDocument(xml).VM);
    expect(vm.NAME).toBe("serveur-élève-😀");
    expect(vm.USER_TEMPLATE.DESCRIPTION).toBe("Descripción: ñandú – 東京");
  });

  it("values with and without CDATA, and a CDATA split around ]]>, read the same", () => {
    const withCdata = Vm.parse(parseXmlDocument(vmXml).VM);
    const withoutCdata = Vm.parse(parseXmlDocument(vmXml.replace(/<!\[CDATA\[([^&<>]*?)\]\]>/g, "$1")).VM);
    expect(withoutCdata.TEMPLATE.CONTEXT).toEqual(withCdata.TEMPLATE.CONTEXT);
    expect(withoutCdata.MONITORING).toEqual(withCdata.MONITORING);

    const split = vmXml.replace(
      "<LABELS><![CDATA[prod,web]]></LABELS>",
      "<LABELS><![CDATA[<x>]]]]><![CDATA[>&amp;</x>]]></LABELS>",
    );
    expect(Vm.parse(parseXmlDocument(split).VM).USER_TEMPLATE.LABELS).toBe("<x>]]>&amp;</x>");
  });
});

describe("free-form templates", () => {
  it("accept strings, nested records and arrays at any depth; reject anything else at its path", () => {
    const vm = parseXmlDocument(vmXml).VM as Record<string, unknown>;
    const nested = { A: "1", B: { C: ["x", { D: "y" }] }, E: "" };
    expect(Vm.parse({ ...vm, USER_TEMPLATE: nested }).USER_TEMPLATE).toEqual(nested);
    const bad = { A: "1", B: { C: ["x", { D: 7 }] }, E: null };
    const issues = issuesOf(Vm, { ...vm, USER_TEMPLATE: bad });
    expect(issues.map((issue) => issue.path)).toEqual([
      ["USER_TEMPLATE", "B", "C", 1, "D"],
      ["USER_TEMPLATE", "E"],
    ]);
    expect(issues[0]?.message).toContain("got number");
    expect(issuesOf(Vm, { ...vm, USER_TEMPLATE: ["A"] })[0]?.path).toEqual(["USER_TEMPLATE"]);
  });

  it("unknown attributes of a typed template are checked the same way", () => {
    const vm = parseXmlDocument(vmXml).VM as Record<string, Record<string, unknown>>;
    const issues = issuesOf(Vm, { ...vm, TEMPLATE: { ...vm.TEMPLATE, CUSTOM: { X: [1] } } });
    expect(issues.map((issue) => issue.path)).toEqual([["TEMPLATE", "CUSTOM", "X", 0]]);
  });
});
