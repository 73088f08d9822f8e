/**
 * What makes two answers comparable: an answer becomes a flat list of `path = value` lines (a
 * document's elements; a failure's code and message), with the values that legitimately differ
 * between two servers replaced by placeholders:
 * - object IDs → the alias the scenario gave the object (`vm:web`), so that oned's VM 57 and the
 *   emulator's VM 3 compare equal; IDs the scenario never named stay as they are;
 * - timestamps → `<time>` (0 stays 0: "never" must still match "never"), a history record's
 *   random REQUEST_ID → `<request>` (-1, no request, stays);
 * - host-specific values (HOST_SPECIFIC below: what the dummy drivers report for capacity,
 *   monitoring and device names, versus the emulator's modelled hardware) → `<host>`.
 * Presence is never normalised: an element one side has and the other lacks is a difference.
 */
import { parseXmlDocument, type RawXmlValue } from "@homelab-kit/opennebula/xml";
import type { RpcAnswer } from "./rpc.js";

export type IdType =
  | "vm"
  | "host"
  | "image"
  | "datastore"
  | "vnet"
  | "template"
  | "user"
  | "group"
  | "cluster"
  | "secgroup"
  | "vmgroup"
  | "acl";

/** Per-target map from a real ID to the scenario's alias for it. */
export class Aliases {
  private readonly byId = new Map<string, string>();
  set(type: IdType, id: number, alias: string): void {
    this.byId.set(`${type}:${id}`, `${type}:${alias}`);
  }
  name(type: IdType, id: string | number): string | undefined {
    return this.byId.get(`${type}:${id}`);
  }
}

/** The element holding an ID, by its parent (…/VM/ID) or its own name (…/HID). */
const ID_BY_PARENT: Record<string, IdType> = {
  VM: "vm",
  VMS: "vm",
  UPDATED_VMS: "vm",
  OUTDATED_VMS: "vm",
  UPDATING_VMS: "vm",
  ERROR_VMS: "vm",
  HOST: "host",
  HOSTS: "host",
  IMAGE: "image",
  CLONES: "image",
  DATASTORE: "datastore",
  DATASTORES: "datastore",
  VNET: "vnet",
  VNETS: "vnet",
  VMTEMPLATE: "template",
  USER: "user",
  USERS: "user",
  ADMINS: "user",
  GROUP: "group",
  GROUPS: "group",
  CLUSTER: "cluster",
  CLUSTERS: "cluster",
  SECURITY_GROUP: "secgroup",
  VM_GROUP: "vmgroup",
  ACL: "acl",
  VLAN_RULES: "group",
};
const ID_BY_NAME: Record<string, IdType> = {
  UID: "user",
  OWNER_ID: "user",
  GID: "group",
  HID: "host",
  HOST_ID: "host",
  DS_ID: "datastore",
  DATASTORE_ID: "datastore",
  IMAGE_ID: "image",
  NETWORK_ID: "vnet",
  PARENT_NETWORK_ID: "vnet",
  TEMPLATE_ID: "template",
  CLUSTER_ID: "cluster",
  VMGROUP_ID: "vmgroup",
  SECURITY_GROUP_ID: "secgroup",
  VM_ID: "vm",
  VMID: "vm",
};
/** IDs inside other values: [element name, value pattern with the ID as group 1, type]. */
const EMBEDDED_IDS: Array<[string, RegExp, IdType]> = [
  ["TARGET", /^one-(\d+)-\d+$/, "vm"],
  ["BASE_PATH", /\/datastores\/(\d+)\/?$/, "datastore"],
  ["OID", /^(\d+)$/, "vm"], // HISTORY/OID
];
/** Comma-separated ID lists. */
const ID_LIST_BY_NAME: Record<string, IdType> = { SECURITY_GROUPS: "secgroup" };

const TIME_NAMES = new Set([
  "STIME",
  "ETIME",
  "PSTIME",
  "PETIME",
  "RSTIME",
  "RETIME",
  "ESTIME",
  "EETIME",
  "REGTIME",
  "LAST_MON_TIME",
  "TIMESTAMP",
  "EXPIRATION_TIME",
  "TIME",
  "DATE",
  "LAST_POLL",
  "MODTIME",
]);

/**
 * Host-specific values: what a dummy host, a dummy datastore driver and oned's own counters report,
 * against the emulator's modelled hardware (docs/DESIGN.md §1). The element must exist on both
 * sides; only its value is not compared. Each pattern is matched against the whole path.
 */
export const HOST_SPECIFIC: ReadonlyArray<{ path: RegExp; why: string }> = [
  {
    path: /\/MONITORING\//,
    why: "monitoring samples: the dummy probes' random values vs the emulator's model",
  },
  {
    path: /^HOST\/(HOST_SHARE|TEMPLATE)\/(?!NAME$)[^/]+$|^HOST\/HOST_SHARE\/.*/,
    why: "a host's capacity and probe attributes: the dummy IM's numbers vs the topology's hardware",
  },
  { path: /\/(TOTAL_MB|FREE_MB|USED_MB)$/, why: "datastore capacity as the dummy driver reports it" },
  { path: /^IMAGE\/(SIZE|SOURCE|FORMAT)$/, why: "what the dummy datastore driver's cp/stat answer" },
  {
    path: /\/DISK(\[\d+\])?\/(SIZE|ORIGINAL_SIZE|DISK_SNAPSHOT_TOTAL_SIZE|SOURCE|FORMAT|DRIVER)$/,
    why: "disk size/source/format come from the image's driver (the dummy one's stat says 1024 MB, the topology's image is 3584)",
  },
  {
    path: /^VM\/SNAPSHOTS\/SNAPSHOT\/SIZE$/,
    why: "a disk snapshot's size is its disk's (from the image's driver)",
  },
  { path: /\/DEPLOY_ID$/, why: "the hypervisor's domain name (dummy driver vs emulator)" },
  { path: /\/GRAPHICS\/PORT$/, why: "VNC port: oned's VNC_PORTS allocator over its whole VM history" },
  {
    path: /\/VM_MAD$|\/IM_MAD$|\/TM_MAD(_SYSTEM)?$|\/DS_MAD$/,
    why: "driver names: dummy in oned, kvm/ceph in the emulator",
  },
  { path: /\/SNAPSHOT\/HYPERVISOR_ID$/, why: "the hypervisor's snapshot name (dummy driver vs emulator)" },
  { path: /\/TOKEN_PASSWORD$/, why: "random per user (UserPool::allocate)" },
  { path: /\/OS\/UUID$/, why: "random per VM" },
];

export type Line = [path: string, value: string];

function flattenValue(path: string, value: RawXmlValue, out: Line[]): void {
  if (typeof value === "string") {
    out.push([path, value]);
    return;
  }
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) flattenValue(`${path}[${i}]`, v, out);
    return;
  }
  const keys = Object.keys(value);
  if (keys.length === 0) out.push([path, ""]);
  for (const key of keys) flattenValue(path === "" ? key : `${path}/${key}`, value[key]!, out);
}

/** The name of the element at the end of `path` and of its parent, without array indices. */
function names(path: string): [string, string] {
  const parts = path.replace(/\[\d+\]/g, "").split("/");
  return [parts.at(-1) ?? "", parts.at(-2) ?? ""];
}

function normaliseValue(path: string, raw: string, aliases: Aliases): string {
  const [name, parent] = names(path);
  // the datastores folder is under the installation's var folder (ONE_LOCATION here, /var/lib/one)
  const value = name === "BASE_PATH" ? raw.replace(/^.*\/datastores\//, "<var>/datastores/") : raw;
  const type = name === "ID" ? ID_BY_PARENT[parent] : ID_BY_NAME[name];
  if (type !== undefined && /^-?\d+$/.test(value)) return aliases.name(type, value) ?? value;
  for (const [element, pattern, embeddedType] of EMBEDDED_IDS) {
    const m = element === name ? pattern.exec(value) : null;
    const alias = m === null ? undefined : aliases.name(embeddedType, m[1]!);
    if (m !== null && alias !== undefined) return value.replace(m[1]!, `<${alias}>`);
  }
  const listType = ID_LIST_BY_NAME[name];
  if (listType !== undefined)
    return value
      .split(",")
      .map((v) => aliases.name(listType, v.trim()) ?? v.trim())
      .join(",");
  if (TIME_NAMES.has(name) && /^\d+$/.test(value) && value !== "0") return "<time>";
  // RequestAttributes::req_id: random per request (0…9999); -1 (no request) must still match
  if (name === "REQUEST_ID" && /^\d+$/.test(value)) return "<request>";
  if (HOST_SPECIFIC.some((h) => h.path.test(path.replace(/\[\d+\]/g, "")))) return "<host>";
  return value;
}

/** Lines of an XML document (the `<VM>…</VM>` string of an info call), normalised. */
export function documentLines(xml: string, aliases: Aliases): Line[] {
  const out: Line[] = [];
  flattenValue("", parseXmlDocument(xml), out);
  return out.map(([p, v]) => [p, normaliseValue(p, v, aliases)]);
}

const MESSAGE_ID_WORDS: Array<[RegExp, IdType]> = [
  [/(vm group|vmgroup)$/i, "vmgroup"],
  [/(security group|secgroup)$/i, "secgroup"],
  [/(virtual machine|vm|vms)$/i, "vm"],
  [/(host)$/i, "host"],
  [/(image)$/i, "image"],
  [/(datastore)$/i, "datastore"],
  [/(virtual network|net|network|vnet)$/i, "vnet"],
  [/(template)$/i, "template"],
  [/(user|uid)$/i, "user"],
  [/(group|gid)$/i, "group"],
  [/(cluster)$/i, "cluster"],
];

/**
 * A failure message with the IDs it names (`virtual machine [57]`, `for VM 57`, `UID=5`) replaced by
 * their aliases: the type comes from the word before the number, else (a bare `[57]`) from the method.
 */
export function normaliseMessage(message: string, aliases: Aliases, method = ""): string {
  return message.replace(
    /(\[(\d+)\])|((?<=\b(?:vm|user|uid=|gid=|host|image|datastore|template|net|network|group|cluster|secgroup|vmgroup)\s?)(\d+))/gi,
    (whole, _b, bracketed: string | undefined, _w, bare: string | undefined, offset: number) => {
      const id = bracketed ?? bare ?? "";
      const before = message.slice(Math.max(0, offset - 24), offset).replace(/[:=\s]+$/, "");
      let type: IdType | undefined = MESSAGE_ID_WORDS.find(([word]) => word.test(before))?.[1];
      if (type === undefined && bracketed !== undefined) type = methodType(method);
      const alias = type === undefined ? undefined : aliases.name(type, id);
      if (alias === undefined) return whole;
      return bracketed !== undefined ? `[${alias}]` : alias;
    },
  );
}

/** The object type a method acts on (`one.vm.deploy` → vm), for the ID a failure answers. */
export function methodType(method: string): IdType | undefined {
  const object = method.split(".")[1]?.replace(/pool$/, "");
  const map: Record<string, IdType> = {
    vm: "vm",
    host: "host",
    image: "image",
    datastore: "datastore",
    vn: "vnet",
    template: "template",
    user: "user",
    group: "group",
    cluster: "cluster",
    secgroup: "secgroup",
    vmgroup: "vmgroup",
    acl: "acl",
  };
  return object === undefined ? undefined : map[object];
}

/**
 * An answer as lines: `fault` (xmlrpc-c's own), `ok` + the result (an XML document's lines, an ID's
 * alias, a scalar), or `failed` + code + message (+ the object ID the failure names).
 */
export function answerLines(method: string, answer: RpcAnswer, aliases: Aliases): Line[] {
  if (answer.fault !== undefined)
    return [
      ["fault/code", String(answer.fault.code)],
      ["fault/message", normaliseMessage(answer.fault.message, aliases, method)],
    ];
  const [ok, result, code, objectId] = answer.values;
  const type = methodType(method);
  if (ok === true) {
    if (typeof result === "string" && result.trimStart().startsWith("<"))
      return [["ok", "document"], ...documentLines(result, aliases)];
    // one.template.instantiate answers the new VM's ID; the failures name the template
    const resultType = method === "one.template.instantiate" ? "vm" : type;
    if (typeof result === "number" && resultType !== undefined)
      return [["ok", aliases.name(resultType, result) ?? String(result)]];
    return [["ok", String(result)]];
  }
  const lines: Line[] = [
    ["failed/code", String(code)],
    ["failed/message", normaliseMessage(String(result ?? ""), aliases, method)],
  ];
  if (typeof objectId === "number" && objectId >= 0)
    lines.push([
      "failed/id",
      type === undefined ? String(objectId) : (aliases.name(type, objectId) ?? String(objectId)),
    ]);
  return lines;
}
