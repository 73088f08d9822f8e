import { type CallOptions, registerSecret, request, type Transport } from "@homelab-kit/core";
import type {
  BootDevice,
  DriveStatus,
  FanSensor,
  HealthStatus,
  IloBackend,
  PowerResult,
  PowerSupplyStatus,
  TemperatureSensor,
  VirtualMediaDevice,
} from "../types.js";
import { worstStatus } from "../types.js";
import { buildRibclScript, type RibclCommand, type RibclSection } from "./build.js";
import { ribclFirmwareInventory, ribclLogEntries } from "./logs.js";
import { childValue, parseRibclAnswer, payloadElement, type RibclAnswer, type RibclNode } from "./parse.js";

export interface RibclBackendOptions {
  baseUrl: string;
  username: string;
  password: string;
  transport: Transport;
  defaults: CallOptions;
}

const BOOT_TO_RIBCL: Record<BootDevice, string> = {
  none: "NORMAL",
  cd: "CDROM",
  floppy: "FLOPPY",
  hdd: "HDD",
  usb: "USB",
  pxe: "NETWORK",
  "bios-setup": "RBSU",
};

export function bootFromRibcl(value: string): BootDevice {
  const v = value.toUpperCase();
  for (const [device, name] of Object.entries(BOOT_TO_RIBCL)) if (name === v) return device as BootDevice;
  // iLO 4 UEFI names (Boot0001…) and EMB-MENU have no common name.
  return v === "NORMAL" ? "none" : (value.toLowerCase() as BootDevice);
}

const DEVICE: Record<VirtualMediaDevice, string> = { cd: "CDROM", floppy: "FLOPPY" };

export function ribclHealth(value: string | undefined): HealthStatus {
  if (value === undefined) return "unknown";
  const v = value.toLowerCase();
  if (v.startsWith("ok") || v.startsWith("good")) return "ok";
  if (v.includes("not installed") || v.includes("not present") || v === "absent") return "absent";
  if (v.startsWith("degraded") || v.includes("warning") || v.includes("caution")) return "warning";
  if (v.startsWith("failed") || v.includes("critical")) return "critical";
  return "unknown";
}

function number(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number.parseFloat(value);
  return Number.isFinite(n) ? n : undefined;
}

const read = (section: RibclSection, name: string, attrs?: Record<string, string>): RibclCommand => ({
  section,
  mode: "read",
  name,
  attrs,
});
const write = (
  section: RibclSection,
  name: string,
  attrs?: Record<string, string>,
  children?: RibclCommand["children"],
): RibclCommand => ({ section, mode: "write", name, attrs, children });

/** The RIBCL backend: one `POST /ribcl` per call (iLO closes the connection after each answer). */
export function createRibclBackend(options: RibclBackendOptions): IloBackend {
  const { username, password, transport, defaults } = options;
  const url = new URL("/ribcl", options.baseUrl).toString();
  const unregister = registerSecret(password);

  async function run(commands: RibclCommand[], call: CallOptions = {}): Promise<RibclAnswer> {
    const body = buildRibclScript(username, password, commands);
    const response = await request(
      transport,
      {
        method: "POST",
        url,
        headers: { "content-type": "text/xml", connection: "close" },
        body,
        // Reads are safe to repeat, writes are not.
        idempotent: commands.every((c) => c.mode === "read"),
      },
      { ...call, defaults },
    );
    // iLO writes ASCII; anything else is replaced, as python-hpilo does.
    const text = new TextDecoder("latin1").decode(response.body);
    return parseRibclAnswer(text, commands.map((c) => c.name).join(","));
  }

  async function one(name: string, command: RibclCommand, call?: CallOptions): Promise<RibclNode> {
    return payloadElement(await run([command], call), name);
  }

  async function powerCommand(command: RibclCommand, call?: CallOptions): Promise<PowerResult> {
    const answer = await run([command], call);
    const message = answer.messages[0];
    const already = message !== undefined && /already (ON|OFF)/i.test(message);
    return { changed: !already, message };
  }

  return {
    power: {
      async get(call) {
        const node = await one("GET_HOST_POWER", read("SERVER_INFO", "GET_HOST_POWER_STATUS"), call);
        return node.attrs.HOST_POWER?.toUpperCase() === "ON" ? "On" : "Off";
      },
      on: (call) => powerCommand(write("SERVER_INFO", "SET_HOST_POWER", { HOST_POWER: "Yes" }), call),
      off: (call) => powerCommand(write("SERVER_INFO", "SET_HOST_POWER", { HOST_POWER: "No" }), call),
      press: (call) => powerCommand(write("SERVER_INFO", "PRESS_PWR_BTN"), call),
      hold: (call) => powerCommand(write("SERVER_INFO", "HOLD_PWR_BTN"), call),
      coldReset: (call) => powerCommand(write("SERVER_INFO", "COLD_BOOT_SERVER"), call),
      warmReset: (call) => powerCommand(write("SERVER_INFO", "WARM_BOOT_SERVER"), call),
      async readings(call) {
        const node = await one("GET_POWER_READINGS", read("SERVER_INFO", "GET_POWER_READINGS"), call);
        return {
          presentWatts: number(childValue(node, "PRESENT_POWER_READING")) ?? 0,
          averageWatts: number(childValue(node, "AVERAGE_POWER_READING")),
          maximumWatts: number(childValue(node, "MAXIMUM_POWER_READING")),
          minimumWatts: number(childValue(node, "MINIMUM_POWER_READING")),
        };
      },
    },
    boot: {
      async getOneTime(call) {
        const answer = await run([read("SERVER_INFO", "GET_ONE_TIME_BOOT")], call);
        // iLO 3: <ONE_TIME_BOOT><BOOT_TYPE VALUE=…/>; iLO 2 wraps it in GET_ONE_TIME_BOOT.
        const node = answer.payload.ONE_TIME_BOOT?.[0] ?? payloadElement(answer, "GET_ONE_TIME_BOOT");
        const value = childValue(node, "BOOT_TYPE") ?? node.children.BOOT_TYPE?.[0]?.attrs.DEVICE ?? "NORMAL";
        return bootFromRibcl(value);
      },
      async setOneTime(device, call) {
        await run([write("SERVER_INFO", "SET_ONE_TIME_BOOT", { VALUE: BOOT_TO_RIBCL[device] })], call);
      },
      async getPersistent(call) {
        const answer = await run([read("SERVER_INFO", "GET_PERSISTENT_BOOT")], call);
        const node = answer.payload.PERSISTENT_BOOT?.[0] ?? payloadElement(answer, "GET_PERSISTENT_BOOT");
        return (node.children.DEVICE ?? []).map((d) => bootFromRibcl(d.attrs.VALUE ?? ""));
      },
      async setPersistent(device, call) {
        const children = [{ name: "DEVICE", attrs: { VALUE: BOOT_TO_RIBCL[device] } }];
        await run([write("SERVER_INFO", "SET_PERSISTENT_BOOT", undefined, children)], call);
      },
    },
    virtualMedia: {
      async status(device, call) {
        const node = await one(
          "GET_VM_STATUS",
          read("RIB_INFO", "GET_VM_STATUS", { DEVICE: DEVICE[device] }),
          call,
        );
        const inserted = node.attrs.IMAGE_INSERTED?.toUpperCase() === "YES";
        return {
          device,
          inserted,
          image: inserted ? (node.attrs.IMAGE_URL ?? "") : null,
          writeProtected: node.attrs.WRITE_PROTECT?.toUpperCase() === "YES",
          bootOnNextReset: node.attrs.BOOT_OPTION?.toUpperCase() === "BOOT_ONCE",
        };
      },
      async insert(device, imageUrl, call) {
        const commands = [
          write("RIB_INFO", "INSERT_VIRTUAL_MEDIA", { DEVICE: DEVICE[device], IMAGE_URL: imageUrl }),
        ];
        if (call?.bootOnNextReset) {
          const children = [{ name: "VM_BOOT_OPTION", attrs: { VALUE: "BOOT_ONCE" } }];
          commands.push(write("RIB_INFO", "SET_VM_STATUS", { DEVICE: DEVICE[device] }, children));
        }
        await run(commands, call);
      },
      async eject(device, call) {
        await run([write("RIB_INFO", "EJECT_VIRTUAL_MEDIA", { DEVICE: DEVICE[device] })], call);
      },
    },
    async health(call) {
      const h = await one("GET_EMBEDDED_HEALTH_DATA", read("SERVER_INFO", "GET_EMBEDDED_HEALTH"), call);
      const section = (name: string) => h.children[name]?.[0];
      const temperatures: TemperatureSensor[] = (section("TEMPERATURE")?.children.TEMP ?? []).map((t) => ({
        name: childValue(t, "LABEL") ?? "",
        location: childValue(t, "LOCATION"),
        celsius: number(childValue(t, "CURRENTREADING")),
        cautionCelsius: number(childValue(t, "CAUTION")),
        criticalCelsius: number(childValue(t, "CRITICAL")),
        status: ribclHealth(childValue(t, "STATUS")),
      }));
      const fans: FanSensor[] = (section("FANS")?.children.FAN ?? []).map((f) => ({
        name: childValue(f, "LABEL") ?? "",
        percent: number(childValue(f, "SPEED")),
        status: ribclHealth(childValue(f, "STATUS")),
      }));
      const powerSupplies: PowerSupplyStatus[] = (section("POWER_SUPPLIES")?.children.SUPPLY ?? []).map(
        (p) => ({
          name: childValue(p, "LABEL") ?? "",
          status:
            childValue(p, "PRESENT")?.toLowerCase() === "no"
              ? "absent"
              : ribclHealth(childValue(p, "STATUS")),
          capacityWatts: number(childValue(p, "CAPACITY")),
        }),
      );
      // <BACKPLANE> lists DRIVE_BAY, PRODUCT_ID, STATUS, UID_LED as flat siblings, one of each per bay.
      const drives: DriveStatus[] = (section("DRIVES")?.children.BACKPLANE ?? []).flatMap((bp) =>
        (bp.children.DRIVE_BAY ?? []).map((bay, i) => ({
          name: `Bay ${bay.attrs.VALUE ?? i + 1}`,
          model: childValue(bp, "PRODUCT_ID", i)?.trim(),
          status: ribclHealth(childValue(bp, "STATUS", i)),
        })),
      );
      const parts = [...temperatures, ...fans, ...powerSupplies, ...drives].map((s) => s.status);
      return {
        overall: worstStatus(parts.filter((s) => s !== "absent")),
        temperatures,
        fans,
        powerSupplies,
        drives,
      };
    },
    async firmware(call) {
      const node = await one("GET_FW_VERSION", read("RIB_INFO", "GET_FW_VERSION"), call);
      const mp = node.attrs.MANAGEMENT_PROCESSOR ?? "";
      return {
        version: node.attrs.FIRMWARE_VERSION ?? "",
        date: node.attrs.FIRMWARE_DATE,
        managementProcessor: mp.replace(/^iLO\s*(\d)$/i, "iLO $1"),
        license: node.attrs.LICENSE_TYPE,
      };
    },
    async firmwareInventory(call) {
      const answer = await run(
        [read("SERVER_INFO", "GET_EMBEDDED_HEALTH"), read("RIB_INFO", "GET_FW_VERSION")],
        call,
      );
      return ribclFirmwareInventory(
        answer.payload.GET_EMBEDDED_HEALTH_DATA?.[0],
        answer.payload.GET_FW_VERSION?.[0],
      );
    },
    logs: {
      // The same command name answers the IML in SERVER_INFO and the iLO Event Log in RIB_INFO.
      iml: async (call) =>
        ribclLogEntries(await one("EVENT_LOG", read("SERVER_INFO", "GET_EVENT_LOG"), call)),
      iel: async (call) => ribclLogEntries(await one("EVENT_LOG", read("RIB_INFO", "GET_EVENT_LOG"), call)),
      async clearIml(call) {
        await run([write("SERVER_INFO", "CLEAR_IML")], call);
      },
      async clearIel(call) {
        await run([write("RIB_INFO", "CLEAR_EVENTLOG")], call);
      },
    },
    async product(call) {
      const answer = await run(
        [read("SERVER_INFO", "GET_PRODUCT_NAME"), read("SERVER_INFO", "GET_HOST_DATA")],
        call,
      );
      const productName = childValue(payloadElement(answer, "GET_PRODUCT_NAME"), "PRODUCT_NAME") ?? "";
      const records = answer.payload.GET_HOST_DATA?.[0]?.children.SMBIOS_RECORD ?? [];
      const system = records.find((r) => r.attrs.TYPE === "1");
      const field = (name: string) =>
        system?.children.FIELD?.find((f) => f.attrs.NAME === name)?.attrs.VALUE?.trim() || undefined;
      return { productName, serialNumber: field("Serial Number"), uuid: field("UUID") };
    },
    uid: {
      async get(call) {
        const node = await one("GET_UID_STATUS", read("SERVER_INFO", "GET_UID_STATUS"), call);
        return node.attrs.UID?.toUpperCase() === "ON";
      },
      async set(on, call) {
        await run([write("SERVER_INFO", "UID_CONTROL", { UID: on ? "Yes" : "No" })], call);
      },
    },
    users: {
      async list(call) {
        const all = await one("GET_ALL_USERS", read("USER_INFO", "GET_ALL_USERS"), call);
        const logins = (all.children.USER_LOGIN ?? []).map((u) => u.attrs.VALUE ?? "");
        if (logins.length === 0) return [];
        const answer = await run(
          logins.map((login) => read("USER_INFO", "GET_USER", { USER_LOGIN: login })),
          call,
        );
        return logins.map((login) => {
          const u = answer.payload.GET_USER?.find((n) => n.attrs.USER_LOGIN === login);
          return { login, name: u?.attrs.USER_NAME, admin: u ? u.attrs.ADMIN_PRIV === "Y" : undefined };
        });
      },
      async add(user, call) {
        const yes = (b: boolean) => ({ VALUE: b ? "Yes" : "No" });
        const admin = user.admin ?? false;
        const children = [
          { name: "ADMIN_PRIV", attrs: yes(admin) },
          { name: "REMOTE_CONS_PRIV", attrs: yes(true) },
          { name: "RESET_SERVER_PRIV", attrs: yes(true) },
          { name: "VIRTUAL_MEDIA_PRIV", attrs: yes(true) },
          { name: "CONFIG_ILO_PRIV", attrs: yes(admin) },
        ];
        const attrs = { USER_NAME: user.name ?? user.login, USER_LOGIN: user.login, PASSWORD: user.password };
        await run([write("USER_INFO", "ADD_USER", attrs, children)], call);
      },
      async remove(login, call) {
        await run([write("USER_INFO", "DELETE_USER", { USER_LOGIN: login })], call);
      },
      async setPassword(login, newPassword, call) {
        const children = [{ name: "PASSWORD", attrs: { VALUE: newPassword } }];
        await run([write("USER_INFO", "MOD_USER", { USER_LOGIN: login }, children)], call);
      },
    },
    async close() {
      unregister();
    },
  };
}
