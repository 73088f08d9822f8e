import { ribclFirmwareInformation } from "./firmware.js";
import { forceOff, isOn, powerOn, pressButton, reset } from "./power.js";
import { sensorReadings } from "./readings.js";
import { RIBCL_SECTION_COMMANDS } from "./ribcl-logs.js";
import { OK, type RibclStatus, RibclStatuses } from "./ribcl-response.js";
import { type RibclElement, xmlElement } from "./ribcl-xml.js";
import { type BootTarget, type IloState, type IloUser, touch, type VirtualMediaDevice } from "./state.js";
import {
  disconnectMedia,
  ejectMedia,
  insertMedia,
  mediaStatus,
  setBootOption,
  setWriteProtected,
} from "./virtual-media.js";

export type RibclSection = "SERVER_INFO" | "RIB_INFO" | "USER_INFO";
type Privilege = keyof IloUser["privileges"];

export interface RibclCommandContext {
  state: IloState;
  user: IloUser;
  command: RibclElement;
  /** The section block's MODE: `write` allows changes, `read` refuses them (HP's RIBCL guide). */
  mode: RibclMode;
}

/** A section's MODE attribute: `"read"` (also when absent, as HP's guides say) or `"write"`. */
export type RibclMode = "read" | "write";

export interface RibclCommandResult {
  result: RibclStatus;
  payload?: string;
}

export interface RibclCommand {
  section: RibclSection;
  /** A command that changes something: refused inside a `MODE="read"` block. */
  write?: true;
  /** Privilege the command needs (iLO answers 0x0023 without it). */
  privilege?: Privilege;
  run(ctx: RibclCommandContext): RibclCommandResult;
}

const PRIVILEGE_NAMES: Record<Privilege, string> = {
  admin: "ADMIN_PRIV",
  remoteConsole: "REMOTE_CONS_PRIV",
  resetServer: "RESET_SERVER_PRIV",
  virtualMedia: "VIRTUAL_MEDIA_PRIV",
  configIlo: "CONFIG_ILO_PRIV",
};

/** RIBCL one-time boot names ⇄ Redfish targets. */
const RIBCL_BOOT: Record<string, BootTarget> = {
  NORMAL: "None",
  FLOPPY: "Floppy",
  CDROM: "Cd",
  HDD: "Hdd",
  USB: "Usb",
  NETWORK: "Pxe",
  RBSU: "BiosSetup",
};

export function ribclBootName(target: BootTarget): string {
  for (const [name, t] of Object.entries(RIBCL_BOOT))
    if (t === target) return name === "NORMAL" ? "Normal" : name;
  return target.toUpperCase();
}

const ok = (payload?: string): RibclCommandResult => (payload ? { result: OK, payload } : { result: OK });
const status = (code: number, message: string): RibclCommandResult => ({ result: { status: code, message } });

/** What iLO answers for unknown commands and bad attribute values: a syntax error. */
export function syntaxError(el: RibclElement, near = el.name): RibclCommandResult {
  return status(
    RibclStatuses.syntaxError,
    `Syntax error: Line #0: syntax error near "${near}" in the line: "<${el.name}"`,
  );
}

function attr(el: RibclElement, name: string): string | undefined {
  return el.attrs[name];
}

function yesNo(el: RibclElement, name: string): boolean | undefined {
  const v = attr(el, name)?.toUpperCase();
  if (v === "YES" || v === "Y" || v === "TRUE") return true;
  if (v === "NO" || v === "N" || v === "FALSE") return false;
  return undefined;
}

function device(el: RibclElement): VirtualMediaDevice | undefined {
  const d = (attr(el, "DEVICE") ?? "FLOPPY").toUpperCase();
  return d === "CDROM" ? "cd" : d === "FLOPPY" ? "floppy" : undefined;
}

const invalidVm = () =>
  status(RibclStatuses.invalidVirtualMediaOption, "An invalid Virtual Media option has been given");

/**
 * A virtual media command (ilo/virtual-media.ts): in RIB_INFO, on the drive its `DEVICE` names
 * (FLOPPY when absent; anything else is 0x0035); a write needs the virtual media privilege.
 */
function vmCommand(
  mode: RibclMode,
  run: (state: IloState, dev: VirtualMediaDevice, command: RibclElement) => RibclCommandResult,
): RibclCommand {
  const runOnDevice = ({ state, command }: RibclCommandContext) => {
    const dev = device(command);
    return dev ? run(state, dev, command) : invalidVm();
  };
  return mode === "write"
    ? { section: "RIB_INFO", write: true, privilege: "virtualMedia", run: runOnDevice }
    : { section: "RIB_INFO", run: runOnDevice };
}

function powerResult(outcome: ReturnType<typeof powerOn>, message = "No error"): RibclCommandResult {
  if (outcome === "already-on") return status(0, "Host power is already ON.");
  if (outcome === "already-off" || outcome === "refused-while-off")
    return status(0, "Host power is already OFF.");
  return status(0, message);
}

function embeddedHealth(state: IloState): string {
  const s = state.sensors;
  const ribclHealth = (h: string) => (h === "OK" ? "OK" : h === "Warning" ? "Degraded" : "Failed");
  const worst = (hs: string[]) =>
    hs.includes("Critical") ? "Failed" : hs.includes("Warning") ? "Degraded" : "OK";
  const v = (name: string, value: string | number, unit?: string) =>
    xmlElement(name, unit ? { VALUE: value, UNIT: unit } : { VALUE: value });
  const readings = sensorReadings(state);
  const fans = readings.fans.map((f) =>
    xmlElement("FAN", {}, [
      v("ZONE", f.zone),
      v("LABEL", f.name),
      v("STATUS", ribclHealth(f.health)),
      v("SPEED", f.reading, "Percentage"),
    ]),
  );
  const temps = readings.temperatures.map((t) =>
    xmlElement("TEMP", {}, [
      v("LABEL", t.name),
      v("LOCATION", t.location),
      v("STATUS", ribclHealth(t.health)),
      v("CURRENTREADING", t.reading, "Celsius"),
      v("CAUTION", t.caution, "Celsius"),
      v("CRITICAL", t.critical, "Celsius"),
    ]),
  );
  const supplies = s.powerSupplies.map((p) =>
    xmlElement("SUPPLY", {}, [
      v("LABEL", p.name),
      v("PRESENT", p.present ? "Yes" : "No"),
      v("STATUS", p.present ? (p.health === "OK" ? "Good, In Use" : ribclHealth(p.health)) : "Not Installed"),
      v("CAPACITY", `${p.capacityWatts} Watts`),
    ]),
  );
  const drives = s.drives.flatMap((d) => [
    v("DRIVE_BAY", d.bay),
    v("PRODUCT_ID", d.model),
    v("STATUS", d.health === "OK" ? "Ok" : ribclHealth(d.health)),
    v("UID_LED", "Off"),
  ]);
  const firmware = ribclFirmwareInformation(state).map(({ name, version }, i) =>
    xmlElement(`INDEX_${i + 1}`, {}, [v("FIRMWARE_NAME", name), v("FIRMWARE_VERSION", version)]),
  );
  const glance = [
    xmlElement("FANS", { STATUS: worst(s.fans.map((f) => f.health)) }),
    xmlElement("TEMPERATURE", { STATUS: worst(s.temperatures.map((t) => t.health)) }),
    xmlElement("VRM", { STATUS: "OK" }),
    xmlElement("POWER_SUPPLIES", { STATUS: worst(s.powerSupplies.map((p) => p.health)) }),
    xmlElement("DRIVE", { STATUS: worst(s.drives.map((d) => d.health)) }),
  ];
  return xmlElement("GET_EMBEDDED_HEALTH_DATA", {}, [
    xmlElement("FANS", {}, fans),
    xmlElement("TEMPERATURE", {}, temps),
    xmlElement("POWER_SUPPLIES", {}, [
      xmlElement("POWER_SUPPLY_SUMMARY", {}, [
        v("PRESENT_POWER_READING", `${readings.watts.present} Watts`),
        v("POWER_MANAGEMENT_CONTROLLER_FIRMWARE_VERSION", "1.6"),
      ]),
      ...supplies,
    ]),
    xmlElement("FIRMWARE_INFORMATION", {}, firmware),
    xmlElement("DRIVES", {}, [xmlElement("BACKPLANE", {}, [v("FIRMWARE_VERSION", "1.18"), ...drives])]),
    xmlElement("HEALTH_AT_A_GLANCE", {}, glance),
  ]);
}

function vmStatus(state: IloState, dev: VirtualMediaDevice, name: string): string {
  const vm = mediaStatus(state, dev);
  return xmlElement("GET_VM_STATUS", {
    VM_APPLET: vm.inserted ? "CONNECTED" : "DISCONNECTED",
    DEVICE: name,
    BOOT_OPTION: vm.bootOption,
    WRITE_PROTECT: vm.writeProtected ? "YES" : "NO",
    IMAGE_INSERTED: vm.inserted ? "YES" : "NO",
    IMAGE_URL: vm.image ?? "",
  });
}

function userPayload(u: IloUser): string {
  const yn = (b: boolean) => (b ? "Y" : "N");
  return xmlElement("GET_USER", {
    USER_NAME: u.name,
    USER_LOGIN: u.login,
    ADMIN_PRIV: yn(u.privileges.admin),
    REMOTE_CONS_PRIV: yn(u.privileges.remoteConsole),
    RESET_SERVER_PRIV: yn(u.privileges.resetServer),
    VIRTUAL_MEDIA_PRIV: yn(u.privileges.virtualMedia),
    CONFIG_ILO_PRIV: yn(u.privileges.configIlo),
  });
}

/** Privilege children of ADD_USER / MOD_USER (`<ADMIN_PRIV VALUE="Yes"/>`). */
function applyPrivileges(user: IloUser, el: RibclElement): void {
  for (const [key, name] of Object.entries(PRIVILEGE_NAMES) as Array<[Privilege, string]>) {
    const child = el.children.find((c) => c.name === name);
    const value = child ? yesNo(child, "VALUE") : undefined;
    if (value !== undefined) user.privileges[key] = value;
  }
}

const MIN_PASSWORD = 8;

/** The command table: one entry per RIBCL command the emulator answers. */
export const RIBCL_COMMANDS: Record<string, RibclCommand> = {
  GET_HOST_POWER_STATUS: {
    section: "SERVER_INFO",
    run: ({ state }) => ok(xmlElement("GET_HOST_POWER", { HOST_POWER: isOn(state) ? "ON" : "OFF" })),
  },
  SET_HOST_POWER: {
    section: "SERVER_INFO",
    write: true,
    privilege: "resetServer",
    run: ({ state, command }) => {
      const on = yesNo(command, "HOST_POWER");
      if (on === undefined) return syntaxError(command, attr(command, "HOST_POWER") ?? "HOST_POWER");
      return powerResult(on ? powerOn(state) : forceOff(state));
    },
  },
  HOLD_PWR_BTN: {
    section: "SERVER_INFO",
    write: true,
    privilege: "resetServer",
    run: ({ state, command }) => {
      // TOGGLE="Yes" powers an off host on (iLO 4+); otherwise a forced off.
      if (yesNo(command, "TOGGLE") === true && !isOn(state)) return powerResult(powerOn(state));
      return powerResult(forceOff(state));
    },
  },
  PRESS_PWR_BTN: {
    section: "SERVER_INFO",
    write: true,
    privilege: "resetServer",
    run: ({ state }) => powerResult(pressButton(state)),
  },
  COLD_BOOT_SERVER: {
    section: "SERVER_INFO",
    write: true,
    privilege: "resetServer",
    run: ({ state }) => powerResult(reset(state, "cold")),
  },
  WARM_BOOT_SERVER: {
    section: "SERVER_INFO",
    write: true,
    privilege: "resetServer",
    run: ({ state }) => powerResult(reset(state, "warm")),
  },
  RESET_SERVER: {
    section: "SERVER_INFO",
    write: true,
    privilege: "resetServer",
    run: ({ state }) => powerResult(reset(state, "warm"), "Server being reset."),
  },
  GET_PRODUCT_NAME: {
    section: "SERVER_INFO",
    run: ({ state }) =>
      ok(
        xmlElement("GET_PRODUCT_NAME", {}, [
          xmlElement("PRODUCT_NAME", { VALUE: state.identity.productName }),
        ]),
      ),
  },
  GET_SERVER_NAME: {
    section: "SERVER_INFO",
    run: ({ state }) => ok(xmlElement("SERVER_NAME", { VALUE: state.identity.hostName })),
  },
  SERVER_NAME: {
    section: "SERVER_INFO",
    write: true,
    privilege: "configIlo",
    run: ({ state, command }) => {
      const value = attr(command, "VALUE");
      if (value === undefined) return syntaxError(command);
      state.identity.hostName = value;
      touch(state);
      return ok();
    },
  },
  GET_HOST_DATA: {
    section: "SERVER_INFO",
    run: ({ state }) => {
      const id = state.identity;
      const field = (name: string, value: string) => xmlElement("FIELD", { NAME: name, VALUE: value });
      return ok(
        xmlElement("GET_HOST_DATA", {}, [
          xmlElement("SMBIOS_RECORD", { TYPE: 0 }, [
            field("Family", id.biosVersion.split(" ")[0] ?? ""),
            field("Date", id.firmwareDate),
          ]),
          xmlElement("SMBIOS_RECORD", { TYPE: 1 }, [
            field("Product Name", id.productName),
            field("Serial Number", id.serialNumber),
            field("UUID", id.uuid),
          ]),
        ]),
      );
    },
  },
  GET_EMBEDDED_HEALTH: { section: "SERVER_INFO", run: ({ state }) => ok(embeddedHealth(state)) },
  GET_POWER_READINGS: {
    section: "SERVER_INFO",
    run: ({ state }) => {
      const w = sensorReadings(state).watts;
      const r = (name: string, value: number) => xmlElement(name, { VALUE: value, UNIT: "Watts" });
      return ok(
        xmlElement("GET_POWER_READINGS", {}, [
          r("PRESENT_POWER_READING", w.present),
          r("AVERAGE_POWER_READING", w.average),
          r("MAXIMUM_POWER_READING", w.maximum),
          r("MINIMUM_POWER_READING", w.minimum),
        ]),
      );
    },
  },
  GET_ONE_TIME_BOOT: {
    section: "SERVER_INFO",
    run: ({ state }) => {
      const o = state.boot.override;
      const value = o.enabled === "Once" ? ribclBootName(o.target) : "Normal";
      return ok(xmlElement("ONE_TIME_BOOT", {}, [xmlElement("BOOT_TYPE", { VALUE: value })]));
    },
  },
  SET_ONE_TIME_BOOT: {
    section: "SERVER_INFO",
    write: true,
    privilege: "configIlo",
    run: ({ state, command }) => {
      const value = (attr(command, "VALUE") ?? "").toUpperCase();
      const target = RIBCL_BOOT[value];
      if (!target) return syntaxError(command, value);
      state.boot.override = {
        ...state.boot.override,
        target,
        enabled: target === "None" ? "Disabled" : "Once",
      };
      touch(state);
      return ok();
    },
  },
  GET_PERSISTENT_BOOT: {
    section: "SERVER_INFO",
    run: ({ state }) =>
      ok(
        xmlElement(
          "PERSISTENT_BOOT",
          {},
          state.boot.persistentOrder.map((d) => xmlElement("DEVICE", { value: d })),
        ),
      ),
  },
  SET_PERSISTENT_BOOT: {
    section: "SERVER_INFO",
    write: true,
    privilege: "configIlo",
    run: ({ state, command }) => {
      const devices = command.children
        .filter((c) => c.name === "DEVICE")
        .map((c) => (c.attrs.VALUE ?? "").toUpperCase());
      const bad = devices.find((d) => !RIBCL_BOOT[d] || d === "NORMAL" || d === "RBSU");
      if (bad !== undefined || devices.length === 0) return syntaxError(command, bad ?? "DEVICE");
      const rest = state.boot.persistentOrder.filter((d) => !devices.includes(d));
      state.boot.persistentOrder = [...devices, ...rest];
      touch(state);
      return ok();
    },
  },
  GET_UID_STATUS: {
    section: "SERVER_INFO",
    run: ({ state }) => ok(xmlElement("GET_UID_STATUS", { UID: state.uid === "On" ? "ON" : "OFF" })),
  },
  UID_CONTROL: {
    section: "SERVER_INFO",
    write: true,
    run: ({ state, command }) => {
      const on = yesNo(command, "UID");
      if (on === undefined) return syntaxError(command, attr(command, "UID") ?? "UID");
      state.uid = on ? "On" : "Off";
      touch(state);
      return ok();
    },
  },
  GET_FW_VERSION: {
    section: "RIB_INFO",
    run: ({ state }) =>
      ok(
        xmlElement("GET_FW_VERSION", {
          FIRMWARE_VERSION: state.identity.firmwareVersion,
          FIRMWARE_DATE: state.identity.firmwareDate,
          MANAGEMENT_PROCESSOR: { ilo3: "iLO3", ilo4: "iLO4", ilo5: "iLO5" }[state.generation],
          LICENSE_TYPE: state.identity.licenseType,
        }),
      ),
  },
  GET_NETWORK_SETTINGS: {
    section: "RIB_INFO",
    run: ({ state }) =>
      ok(
        xmlElement("GET_NETWORK_SETTINGS", {}, [
          xmlElement("ENABLE_NIC", { VALUE: "Y" }),
          xmlElement("DHCP_ENABLE", { VALUE: "N" }),
          xmlElement("IP_ADDRESS", { VALUE: state.identity.ipAddress }),
          xmlElement("SUBNET_MASK", { VALUE: "255.255.255.0" }),
          xmlElement("MAC_ADDRESS", { VALUE: state.identity.macAddress }),
          xmlElement("DNS_NAME", { VALUE: `ilo-${state.identity.hostName}` }),
        ]),
      ),
  },
  GET_VM_STATUS: vmCommand("read", (state, dev) =>
    ok(vmStatus(state, dev, dev === "cd" ? "CDROM" : "FLOPPY")),
  ),
  INSERT_VIRTUAL_MEDIA: vmCommand("write", (state, dev, command) =>
    insertMedia(state, dev, attr(command, "IMAGE_URL")) === "ok" ? ok() : invalidVm(),
  ),
  EJECT_VIRTUAL_MEDIA: vmCommand("write", (state, dev) =>
    ejectMedia(state, dev) === "ok"
      ? ok()
      : status(RibclStatuses.invalidVirtualMediaOption, "No image present in the Virtual Media drive"),
  ),
  SET_VM_STATUS: vmCommand("write", (state, dev, command) => {
    for (const child of command.children) {
      const value = (child.attrs.VALUE ?? "").toUpperCase();
      if (child.name === "VM_BOOT_OPTION") {
        if (value === "BOOT_ONCE" || value === "BOOT_ALWAYS" || value === "NO_BOOT")
          setBootOption(state, dev, value);
        else if (value === "DISCONNECT") disconnectMedia(state, dev);
        else if (value !== "CONNECT") return invalidVm();
      } else if (child.name === "VM_WRITE_PROTECT") {
        if (value !== "YES" && value !== "NO") return invalidVm();
        setWriteProtected(state, dev, value === "YES");
      } else return syntaxError(child);
    }
    touch(state);
    return ok();
  }),
  GET_ALL_USERS: {
    section: "USER_INFO",
    // "The user must have the Administer User Accounts privilege to retrieve all user accounts."
    privilege: "admin",
    run: ({ state }) =>
      ok(
        xmlElement(
          "GET_ALL_USERS",
          {},
          [...state.users.values()].map((u) => xmlElement("USER_LOGIN", { VALUE: u.login })),
        ),
      ),
  },
  GET_USER: {
    section: "USER_INFO",
    // Other accounts need ADMIN_PRIV; a user may always read their own.
    run: ({ state, user, command }) => {
      const u = state.users.get(attr(command, "USER_LOGIN") ?? "");
      if (u !== user && !user.privileges.admin) return noPrivilege("admin");
      if (!u) return status(RibclStatuses.userNotFound, "User login name was not found.");
      return ok(userPayload(u));
    },
  },
  ADD_USER: {
    section: "USER_INFO",
    write: true,
    privilege: "admin",
    run: ({ state, command }) => {
      const login = attr(command, "USER_LOGIN");
      const password = attr(command, "PASSWORD");
      if (!login || password === undefined) return syntaxError(command);
      if (state.users.has(login)) return status(RibclStatuses.syntaxError, "Login name is already in use.");
      if (password.length < MIN_PASSWORD)
        return status(RibclStatuses.passwordTooShort, "Password is too short.");
      const ids = [...state.users.values()].map((u) => Number(u.id));
      const user: IloUser = {
        id: String(Math.max(0, ...ids) + 1),
        login,
        name: attr(command, "USER_NAME") ?? login,
        password,
        privileges: {
          admin: false,
          remoteConsole: false,
          resetServer: false,
          virtualMedia: false,
          configIlo: false,
        },
      };
      applyPrivileges(user, command);
      state.users.set(login, user);
      touch(state);
      return ok();
    },
  },
  MOD_USER: {
    section: "USER_INFO",
    write: true,
    // ADMIN_PRIV, or else "the user can only modify their individual account password".
    run: ({ state, user, command }) => {
      const target = state.users.get(attr(command, "USER_LOGIN") ?? "");
      if (target !== user && !user.privileges.admin) return noPrivilege("admin");
      if (!target) return status(RibclStatuses.userNotFound, "User login name was not found.");
      if (!user.privileges.admin && command.children.some((c) => c.name !== "PASSWORD"))
        return noPrivilege("admin");
      const password = command.children.find((c) => c.name === "PASSWORD")?.attrs.VALUE;
      if (password !== undefined && password.length < MIN_PASSWORD)
        return status(RibclStatuses.passwordTooShort, "Password is too short.");
      if (password !== undefined) target.password = password;
      const name = command.children.find((c) => c.name === "USER_NAME")?.attrs.VALUE;
      if (name !== undefined) target.name = name;
      if (user.privileges.admin) applyPrivileges(target, command);
      touch(state);
      return ok();
    },
  },
  DELETE_USER: {
    section: "USER_INFO",
    write: true,
    privilege: "admin",
    run: ({ state, command }) => {
      const login = attr(command, "USER_LOGIN") ?? "";
      if (!state.users.delete(login))
        return status(RibclStatuses.userNotFound, "User login name was not found.");
      for (const [token, s] of state.sessions) if (s.login === login) state.sessions.delete(token);
      touch(state);
      return ok();
    },
  },
};

export function noPrivilege(privilege: Privilege): RibclCommandResult {
  return status(
    RibclStatuses.noPrivilege,
    `User does NOT have correct privilege for action. ${PRIVILEGE_NAMES[privilege]} required.`,
  );
}

/** What each section's database is called in HP's "open for read-only access" errors. */
const READ_ONLY_NAMES: Record<RibclSection, string> = {
  SERVER_INFO: "Server",
  RIB_INFO: "iLO",
  USER_INFO: "User",
};

/**
 * A write command inside a `MODE="read"` block. The message is HP's (RIBCL guide, e.g. RESET_SERVER
 * "runtime errors"); the guide gives no STATUS, and no capture of one is recorded: the emulator
 * answers 0x0023, the permission status python-hpilo maps to `IloPermissionError`.
 */
export function readOnlyBlock(section: RibclSection): RibclCommandResult {
  return status(
    RibclStatuses.noPrivilege,
    `${READ_ONLY_NAMES[section]} information is open for read-only access. Write access is required for this operation.`,
  );
}

/**
 * Runs one command element found in `section`: unknown commands get iLO's syntax error, a write
 * in a read block the read-only error, a missing privilege 0x0023, then the command runs.
 */
export function runRibclCommand(section: string, ctx: RibclCommandContext): RibclCommandResult {
  const command =
    RIBCL_SECTION_COMMANDS[section as RibclSection]?.[ctx.command.name] ?? RIBCL_COMMANDS[ctx.command.name];
  if (!command || command.section !== section) return syntaxError(ctx.command);
  if (command.write && ctx.mode !== "write") return readOnlyBlock(command.section);
  if (command.privilege && !ctx.user.privileges[command.privilege]) return noPrivilege(command.privilege);
  return command.run(ctx);
}
