/**
 * A loopback OpenNebula stand-in for the method-table tests: a real node:http XML-RPC server
 * (requests decoded by the `xmlrpc` npm package, see xmlrpc-server.ts) that answers each method
 * from a map, and an unknown method with the -506 fault oned's xmlrpc-c layer gives.
 */
import { readFileSync } from "node:fs";
import {
  createOpenNebulaClient,
  type OpenNebulaClient,
  type OpenNebulaClientOptions,
} from "../../src/index.js";
import {
  fault,
  type ReceivedCall,
  type Reply,
  startXmlRpcServer,
  stringValue,
  success,
  type TestServer,
} from "./xmlrpc-server.js";

export type MethodHandler = (params: unknown[], call: ReceivedCall) => Reply | Promise<Reply>;

export interface OneServer {
  server: TestServer;
  url: string;
  /** The calls received, as `[method, ...params after the session]`. */
  calls(): unknown[][];
  handle(method: string, handler: MethodHandler): void;
  client(extra?: Partial<OpenNebulaClientOptions>): OpenNebulaClient;
  close(): Promise<void>;
}

export async function startOneServer(handlers: Record<string, MethodHandler> = {}): Promise<OneServer> {
  const table = new Map(Object.entries(handlers));
  const clients: OpenNebulaClient[] = [];
  const server = await startXmlRpcServer((call) => {
    const handler = table.get(call.method);
    if (handler === undefined) return fault(-506, `Method '${call.method}' not defined`);
    return handler(call.params.slice(1), call);
  });
  return {
    server,
    url: server.url,
    calls: () => server.calls.map((call) => [call.method, ...call.params.slice(1)]),
    handle(method, handler) {
      table.set(method, handler);
    },
    client(extra = {}) {
      const one = createOpenNebulaClient({
        url: server.url,
        username: "oneadmin",
        password: "opennebula",
        version: "7.4.0",
        ...extra,
      } as OpenNebulaClientOptions);
      clients.push(one);
      return one;
    },
    async close() {
      await Promise.all(clients.map((one) => one.close()));
      await server.close();
    },
  };
}

/** `[true, <int>, 0]`. */
export const okId = (id: number): Reply => success(`<value><i4>${id}</i4></value>`);
/** `[true, <string>, 0]`, the text escaped as xmlrpc-c does. */
export const okText = (text: string): Reply => success(stringValue(text));

export function sample(name: string): string {
  return readFileSync(
    new URL(`../../../../docs/reference/opennebula/samples/${name}`, import.meta.url),
    "utf8",
  );
}

// ----- documents of resources without a reference sample, written after their XSD -------------

export const PERMISSIONS =
  "<PERMISSIONS><OWNER_U>1</OWNER_U><OWNER_M>1</OWNER_M><OWNER_A>0</OWNER_A><GROUP_U>0</GROUP_U>" +
  "<GROUP_M>0</GROUP_M><GROUP_A>0</GROUP_A><OTHER_U>0</OTHER_U><OTHER_M>0</OTHER_M><OTHER_A>0</OTHER_A></PERMISSIONS>";
export const owned = (id: number, name: string) =>
  `<ID>${id}</ID><UID>0</UID><GID>0</GID><UNAME>oneadmin</UNAME><GNAME>oneadmin</GNAME><NAME>${name}</NAME>${PERMISSIONS}`;
export const VM_QUOTA =
  "<VM_QUOTA><VM><CPU><![CDATA[-1]]></CPU><CPU_USED><![CDATA[1.5]]></CPU_USED><MEMORY><![CDATA[-1]]></MEMORY>" +
  "<MEMORY_USED><![CDATA[2048]]></MEMORY_USED><SYSTEM_DISK_SIZE><![CDATA[-1]]></SYSTEM_DISK_SIZE>" +
  "<SYSTEM_DISK_SIZE_USED><![CDATA[0]]></SYSTEM_DISK_SIZE_USED><VMS><![CDATA[-1]]></VMS>" +
  "<VMS_USED><![CDATA[1]]></VMS_USED></VM></VM_QUOTA>";
export const userXml = (id: number, name: string) =>
  `<USER><ID>${id}</ID><GID>1</GID><GROUPS><ID>1</ID></GROUPS><GNAME>users</GNAME><NAME>${name}</NAME>` +
  "<PASSWORD>5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8</PASSWORD><AUTH_DRIVER>core</AUTH_DRIVER>" +
  "<ENABLED>1</ENABLED><TEMPLATE><SSH_PUBLIC_KEY><![CDATA[ssh-ed25519 AAAA alice]]></SSH_PUBLIC_KEY>" +
  "</TEMPLATE></USER>";
export const groupXml = (id: number, name: string, users: number[]) =>
  `<GROUP><ID>${id}</ID><NAME>${name}</NAME><TEMPLATE/><USERS>${users.map((u) => `<ID>${u}</ID>`).join("")}</USERS><ADMINS/></GROUP>`;
export const clusterXml = (id: number, name: string) =>
  `<CLUSTER><ID>${id}</ID><NAME>${name}</NAME><HOSTS><ID>0</ID><ID>1</ID></HOSTS>` +
  "<DATASTORES><ID>0</ID><ID>1</ID></DATASTORES><VNETS><ID>0</ID></VNETS><TEMPLATE><RESERVED_CPU/></TEMPLATE></CLUSTER>";
export const secgroupXml = (id: number, name: string) =>
  `<SECURITY_GROUP>${owned(id, name)}<UPDATED_VMS><ID>42</ID></UPDATED_VMS>` +
  "<OUTDATED_VMS/><UPDATING_VMS/><ERROR_VMS/><TEMPLATE><DESCRIPTION><![CDATA[web]]></DESCRIPTION>" +
  "<RULE><PROTOCOL><![CDATA[TCP]]></PROTOCOL><RULE_TYPE><![CDATA[INBOUND]]></RULE_TYPE><RANGE>443</RANGE></RULE></TEMPLATE></SECURITY_GROUP>";
export const vmgroupXml = (id: number, name: string) =>
  `<VM_GROUP>${owned(id, name)}<ROLES><ROLE><ID>0</ID><NAME>control-plane</NAME>` +
  "<POLICY>ANTI_AFFINED</POLICY><VMS>10,11,12</VMS></ROLE></ROLES><TEMPLATE/></VM_GROUP>";
