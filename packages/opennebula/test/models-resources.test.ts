/**
 * Resources without a reference sample: documents written here element by element after their
 * XSD (security_group, user, user_pool, group, cluster, vm_group, acl_pool).
 */
import { describe, expect, it } from "vitest";
import {
  AclPool,
  Cluster,
  Group,
  GroupPool,
  SecurityGroup,
  User,
  UserPool,
  VmGroup,
} from "../src/models/index.js";
import { parseXmlDocument } from "../src/xml/index.js";

const permissions =
  "<PERMISSIONS><OWNER_U>1</OWNER_U><OWNER_M>1</OWNER_M><OWNER_A>0</OWNER_A><GROUP_U>0</GROUP_U>" +
  "<GROUP_M>0</GROUP_M><GROUP_A>0</GROUP_A><OTHER_U>0</OTHER_U><OTHER_M>0</OTHER_M><OTHER_A>0</OTHER_A></PERMISSIONS>";
const owner = (id: number, name: string) =>
  `<ID>${id}</ID><UID>0</UID><GID>0</GID><UNAME>oneadmin</UNAME><GNAME>oneadmin</GNAME><NAME>${name}</NAME>`;
const vmQuota =
  "<VM_QUOTA><VM><CPU><![CDATA[-1]]></CPU><CPU_USED><![CDATA[1.5]]></CPU_USED><MEMORY><![CDATA[-1]]></MEMORY>" +
  "<MEMORY_USED><![CDATA[2048]]></MEMORY_USED><SYSTEM_DISK_SIZE><![CDATA[-1]]></SYSTEM_DISK_SIZE>" +
  "<SYSTEM_DISK_SIZE_USED><![CDATA[0]]></SYSTEM_DISK_SIZE_USED><VMS><![CDATA[-1]]></VMS>" +
  "<VMS_USED><![CDATA[1]]></VMS_USED></VM></VM_QUOTA>";

const userXml = (id: number, name: string) =>
  `<USER><ID>${id}</ID><GID>1</GID><GROUPS><ID>1</ID></GROUPS><GNAME>users</GNAME><NAME>${name}</NAME>` +
  "<PASSWORD>5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8</PASSWORD><AUTH_DRIVER>core</AUTH_DRIVER>" +
  "<ENABLED>1</ENABLED><LOGIN_TOKEN><TOKEN>abc</TOKEN><EXPIRATION_TIME>1753900000</EXPIRATION_TIME>" +
  "<EGID>-1</EGID></LOGIN_TOKEN><TEMPLATE><SSH_PUBLIC_KEY><![CDATA[ssh-ed25519 AAAA alice]]></SSH_PUBLIC_KEY>" +
  "</TEMPLATE></USER>";

describe("SecurityGroup", () => {
  it("rules are an array even when there is one; the rest of TEMPLATE is kept", () => {
    const xml =
      `<SECURITY_GROUP>${owner(0, "default")}${permissions}<UPDATED_VMS><ID>42</ID></UPDATED_VMS>` +
      "<OUTDATED_VMS/><UPDATING_VMS/><ERROR_VMS/><TEMPLATE><DESCRIPTION><![CDATA[The default]]></DESCRIPTION>" +
      "<RULE><PROTOCOL><![CDATA[ALL]]></PROTOCOL><RULE_TYPE><![CDATA[OUTBOUND]]></RULE_TYPE></RULE>" +
      "<COLOR>blue</COLOR></TEMPLATE></SECURITY_GROUP>";
    const sg = SecurityGroup.parse(parseXmlDocument(xml).SECURITY_GROUP);
    expect(sg.UPDATED_VMS.ID).toEqual([42]);
    expect(sg.OUTDATED_VMS.ID).toEqual([]);
    expect(sg.TEMPLATE.RULE).toEqual([{ PROTOCOL: "ALL", RULE_TYPE: "OUTBOUND" }]);
    expect(sg.TEMPLATE.COLOR).toBe("blue");
  });
});

describe("User and UserPool", () => {
  it("a user with one group, one login token and a free-form TEMPLATE", () => {
    const user = User.parse(parseXmlDocument(userXml(2, "alice")).USER);
    expect(user.GROUPS.ID).toEqual([1]);
    expect(user.LOGIN_TOKEN).toEqual([{ TOKEN: "abc", EXPIRATION_TIME: 1753900000, EGID: -1 }]);
    expect(user.TEMPLATE.SSH_PUBLIC_KEY).toBe("ssh-ed25519 AAAA alice");
    expect(user.ENABLED).toBe(1);
  });

  it("the pool keeps the QUOTAS listed apart from the users", () => {
    const xml =
      `<USER_POOL>${userXml(2, "alice")}${userXml(3, "bob")}<QUOTAS><ID>2</ID>${vmQuota}</QUOTAS>` +
      "<DEFAULT_USER_QUOTAS><DATASTORE_QUOTA/><NETWORK_QUOTA/><VM_QUOTA/><IMAGE_QUOTA/></DEFAULT_USER_QUOTAS></USER_POOL>";
    const pool = UserPool.parse(parseXmlDocument(xml).USER_POOL);
    expect(pool.USER.map((user) => user.NAME)).toEqual(["alice", "bob"]);
    expect(pool.QUOTAS).toHaveLength(1);
    expect(pool.QUOTAS[0]?.ID).toBe(2);
    expect(pool.QUOTAS[0]?.VM_QUOTA?.VM[0]?.CPU_USED).toBe("1.5");
    expect(pool.DEFAULT_USER_QUOTAS?.VM_QUOTA).toEqual({ VM: [] });
  });

  it("a user pool with no users", () => {
    expect(UserPool.parse(parseXmlDocument("<USER_POOL/>").USER_POOL)).toEqual({ USER: [], QUOTAS: [] });
  });
});

describe("Group and GroupPool", () => {
  const groupXml = (id: number, name: string, users: string) =>
    `<GROUP><ID>${id}</ID><NAME>${name}</NAME><TEMPLATE/><USERS>${users}</USERS><ADMINS/></GROUP>`;

  it("members as an ID array, quotas typed", () => {
    const xml = groupXml(1, "users", "<ID>2</ID><ID>3</ID>").replace("</GROUP>", `${vmQuota}</GROUP>`);
    const group = Group.parse(parseXmlDocument(xml).GROUP);
    expect(group.USERS.ID).toEqual([2, 3]);
    expect(group.ADMINS.ID).toEqual([]);
    expect(group.TEMPLATE).toEqual({});
    expect(group.VM_QUOTA?.VM[0]?.MEMORY_USED).toBe("2048");
  });

  it("a pool of two groups", () => {
    const xml = `<GROUP_POOL>${groupXml(0, "oneadmin", "<ID>0</ID>")}${groupXml(1, "users", "")}</GROUP_POOL>`;
    const pool = GroupPool.parse(parseXmlDocument(xml).GROUP_POOL);
    expect(pool.GROUP.map((group) => group.USERS.ID)).toEqual([[0], []]);
  });
});

describe("Cluster", () => {
  it("hosts, datastores and vnets as ID arrays; an optional OneDRS plan", () => {
    const xml =
      "<CLUSTER><ID>0</ID><NAME>default</NAME><HOSTS><ID>0</ID><ID>1</ID><ID>2</ID></HOSTS>" +
      "<DATASTORES><ID>0</ID><ID>1</ID></DATASTORES><VNETS><ID>0</ID></VNETS>" +
      "<TEMPLATE><RESERVED_CPU/><RESERVED_MEM/></TEMPLATE>" +
      "<PLAN><ID>3</ID><STATE>1</STATE><ACTION><ID>0</ID><VM_ID>42</VM_ID><STATE>0</STATE>" +
      "<OPERATION>migrate</OPERATION><HOST_ID>2</HOST_ID><DS_ID>0</DS_ID><TIMESTAMP>0</TIMESTAMP></ACTION></PLAN></CLUSTER>";
    const cluster = Cluster.parse(parseXmlDocument(xml).CLUSTER);
    expect(cluster.HOSTS.ID).toEqual([0, 1, 2]);
    expect(cluster.VNETS.ID).toEqual([0]);
    expect(cluster.TEMPLATE).toEqual({ RESERVED_CPU: "", RESERVED_MEM: "" });
    expect(cluster.PLAN?.ACTION).toEqual([
      { ID: 0, VM_ID: 42, STATE: 0, OPERATION: "migrate", HOST_ID: 2, DS_ID: 0, TIMESTAMP: 0 },
    ]);
  });
});

describe("VmGroup", () => {
  it("roles as an array", () => {
    const xml =
      `<VM_GROUP>${owner(0, "k8s")}${permissions}<ROLES><ROLE><ID>0</ID><NAME>control-plane</NAME>` +
      "<POLICY>ANTI_AFFINED</POLICY><VMS>10,11,12</VMS></ROLE></ROLES><TEMPLATE/></VM_GROUP>";
    const group = VmGroup.parse(parseXmlDocument(xml).VM_GROUP);
    expect(group.ROLES.ROLE).toEqual([
      { ID: 0, NAME: "control-plane", POLICY: "ANTI_AFFINED", VMS: "10,11,12" },
    ]);
  });

  it("a VM group without ROLES is rejected at that path", () => {
    const xml = `<VM_GROUP>${owner(0, "k8s")}${permissions}<TEMPLATE/></VM_GROUP>`;
    const result = VmGroup.safeParse(parseXmlDocument(xml).VM_GROUP);
    expect(result.error?.issues.map((issue) => issue.path)).toEqual([["ROLES"]]);
  });
});

describe("AclPool", () => {
  it("rules with their readable form; an empty pool", () => {
    const xml =
      "<ACL_POOL><ACL><ID>0</ID><USER>@1</USER><RESOURCE>0x40000000000000</RESOURCE><RIGHTS>0x1</RIGHTS>" +
      "<ZONE>#0</ZONE><STRING>@1 HOST/* MANAGE #0</STRING></ACL></ACL_POOL>";
    const pool = AclPool.parse(parseXmlDocument(xml).ACL_POOL);
    expect(pool.ACL).toEqual([
      {
        ID: 0,
        USER: "@1",
        RESOURCE: "0x40000000000000",
        RIGHTS: "0x1",
        ZONE: "#0",
        STRING: "@1 HOST/* MANAGE #0",
      },
    ]);
    expect(AclPool.parse(parseXmlDocument("<ACL_POOL/>").ACL_POOL)).toEqual({ ACL: [] });
  });
});
