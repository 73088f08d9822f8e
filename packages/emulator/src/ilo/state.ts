import { type EmulatorClock, systemClock } from "../common/clock.js";
import { createLogs, type IloLogs } from "./event-log.js";

/** The management processor generation an emulated iLO behaves as. */
export type IloGeneration = "ilo3" | "ilo4" | "ilo5";

/** Redfish boot-override targets; RIBCL device names are mapped onto them. */
export type BootTarget =
  | "None"
  | "Pxe"
  | "Floppy"
  | "Cd"
  | "Usb"
  | "Hdd"
  | "BiosSetup"
  | "Utilities"
  | "Diags"
  | "UefiShell"
  | "UefiTarget"
  | "SDCard"
  | "UefiHttp";

export type BootOverrideEnabled = "Disabled" | "Once" | "Continuous";
export type Health = "OK" | "Warning" | "Critical";
export type VirtualMediaDevice = "cd" | "floppy";
export type VirtualMediaBootOption = "NO_BOOT" | "BOOT_ONCE" | "BOOT_ALWAYS";

export interface IloUser {
  /** Numeric account id as Redfish exposes it (`AccountService/Accounts/{id}`). */
  id: string;
  login: string;
  name: string;
  password: string;
  privileges: {
    admin: boolean;
    remoteConsole: boolean;
    resetServer: boolean;
    virtualMedia: boolean;
    configIlo: boolean;
  };
}

export interface VirtualMediaState {
  image: string | null;
  writeProtected: boolean;
  bootOption: VirtualMediaBootOption;
}

export interface IloSession {
  id: string;
  token: string;
  login: string;
  createdAt: number;
  lastUsedAt: number;
}

export interface Fan {
  name: string;
  zone: string;
  percent: number;
  health: Health;
}
export interface Temperature {
  name: string;
  location: string;
  celsius: number;
  caution: number;
  critical: number;
  health: Health;
}
export interface PowerSupply {
  name: string;
  capacityWatts: number;
  health: Health;
  present: boolean;
}
export interface Drive {
  bay: string;
  model: string;
  health: Health;
  /** Marketed capacity (decimal GB); Redfish shows it when known. */
  capacityGB?: number | undefined;
  /** Spindle speed of a hard disk; Redfish shows it when known. */
  rpm?: number | undefined;
  /** Drive firmware revision (iLO 5 firmware inventory, SmartStorage `FirmwareVersion`). */
  firmware?: string | undefined;
}

export interface Sensors {
  fans: Fan[];
  temperatures: Temperature[];
  powerSupplies: PowerSupply[];
  drives: Drive[];
  /** Watts drawn while the host is on (readings are 0 while off). */
  watts: { present: number; average: number; maximum: number; minimum: number };
}

export interface IloTimings {
  /** From "power on" until the host is electrically on (PowerState On). */
  powerOnMs: number;
  /** POST duration after power-on or reset (Oem PostState InPost → FinishedPost). */
  postMs: number;
  /** From a momentary button press until the OS has shut down. */
  gracefulOffMs: number;
  /** From a forced off (hold button, SET_HOST_POWER No, ForceOff) until off. */
  forcedOffMs: number;
}

export interface PowerChangeEvent {
  host: string;
  from: "On" | "Off";
  to: "On" | "Off";
  at: number;
}

export interface IloIdentity {
  /** Host name (RIBCL SERVER_NAME, Redfish HostName). */
  hostName: string;
  productName: string;
  serialNumber: string;
  uuid: string;
  firmwareVersion: string;
  firmwareDate: string;
  licenseType: string;
  biosVersion: string;
  macAddress: string;
  ipAddress: string;
}

/** Failures real hosts show (docs/DESIGN.md §5, docs/reference/ilo/ISSUES.md #14), switched on per host. */
export interface IloFaults {
  /** Power-on commands are accepted but the host stays off (a dead PSU or board). */
  powerOnFails: boolean;
  /** Virtual media inserts are accepted but nothing gets attached (unreachable image URL). */
  unreachableImages: boolean;
  /**
   * The host comes on but POST never finishes (stuck at memory initialisation or an option ROM):
   * `InPost` until a reset or power cycle made while the fault is gone.
   */
  postHangs: boolean;
}

export interface IloStateOptions {
  generation?: IloGeneration;
  clock?: EmulatorClock;
  identity?: Partial<IloIdentity>;
  /** Initial power; default on with POST finished. */
  powered?: boolean;
  users?: Array<Pick<IloUser, "login" | "password"> & Partial<IloUser>>;
  maxSessions?: number;
  sessionIdleTimeoutMs?: number;
  timings?: Partial<IloTimings>;
  sensors?: Partial<Sensors>;
  memoryGiB?: number;
  faults?: Partial<IloFaults>;
}

export interface IloState {
  readonly generation: IloGeneration;
  readonly clock: EmulatorClock;
  identity: IloIdentity;
  timings: IloTimings;
  power: {
    on: boolean;
    /** A power change in progress, applied when the clock passes `at`. */
    pending: { to: "On" | "Off"; at: number } | null;
    postCompleteAt: number;
  };
  boot: {
    override: { target: BootTarget; enabled: BootOverrideEnabled; mode: "UEFI" | "Legacy" };
    /** RIBCL persistent boot order (device names as RIBCL spells them). */
    persistentOrder: string[];
  };
  virtualMedia: Record<VirtualMediaDevice, VirtualMediaState>;
  uid: "On" | "Off";
  users: Map<string, IloUser>;
  sessions: Map<string, IloSession>;
  maxSessions: number;
  sessionIdleTimeoutMs: number;
  sensors: Sensors;
  memoryGiB: number;
  faults: IloFaults;
  /** The Integrated Management Log and the iLO Event Log (event-log.ts). */
  logs: IloLogs;
  /**
   * The busy share (0..1) of the host's CPU threads, read by the sensors (power, temperatures,
   * fans; see readings.ts). The World sets it from the VMs running on the host; absent = idle.
   */
  activity?: () => number;
  /** Bumped on every change; part of every Redfish ETag. */
  revision: number;
  listeners: Set<(event: PowerChangeEvent) => void>;
}

const GENERATION_DEFAULTS: Record<IloGeneration, Partial<IloIdentity>> = {
  ilo3: {
    productName: "ProLiant DL360 G7",
    firmwareVersion: "1.82",
    firmwareDate: "Jan 15 2015",
    licenseType: "iLO 3 Advanced",
    biosVersion: "P68 05/05/2011",
  },
  ilo4: {
    productName: "ProLiant DL360p Gen8",
    firmwareVersion: "2.55",
    firmwareDate: "Aug 16 2017",
    licenseType: "iLO Advanced",
    biosVersion: "P89 v2.60 (05/21/2018)",
  },
  ilo5: {
    productName: "ProLiant DL360 Gen10",
    firmwareVersion: "1.45",
    firmwareDate: "Jun 27 2019",
    licenseType: "iLO Advanced",
    biosVersion: "U32 v2.10 (05/21/2019)",
  },
};

export function defaultSensors(): Sensors {
  return {
    fans: [1, 2, 3, 4, 5, 6].map((n) => ({
      name: `Fan ${n}`,
      zone: "System",
      percent: 29,
      health: "OK" as Health,
    })),
    temperatures: [
      { name: "01-Inlet Ambient", location: "Ambient", celsius: 20, caution: 42, critical: 46, health: "OK" },
      { name: "02-CPU 1", location: "CPU", celsius: 40, caution: 82, critical: 83, health: "OK" },
      { name: "03-CPU 2", location: "CPU", celsius: 40, caution: 82, critical: 83, health: "OK" },
      { name: "04-P1 DIMM 1-3", location: "Memory", celsius: 35, caution: 87, critical: 90, health: "OK" },
    ],
    powerSupplies: [
      { name: "Power Supply 1", capacityWatts: 460, health: "OK", present: true },
      { name: "Power Supply 2", capacityWatts: 460, health: "OK", present: true },
    ],
    drives: [
      { bay: "1", model: "EG0300FBVFL", health: "OK", capacityGB: 300, rpm: 10_000, firmware: "HPD4" },
      { bay: "2", model: "EG0300FBVFL", health: "OK", capacityGB: 300, rpm: 10_000, firmware: "HPD4" },
    ],
    watts: { present: 108, average: 106, maximum: 157, minimum: 98 },
  };
}

/** Creates the state of one physical host and its iLO. Every emulator instance owns its own. */
export function createIloState(options: IloStateOptions = {}): IloState {
  const generation = options.generation ?? "ilo3";
  const clock = options.clock ?? systemClock;
  const now = clock.now();
  const identity: IloIdentity = {
    hostName: "node1",
    productName: "",
    serialNumber: "CZJ1020ABC",
    uuid: "30313436-3631-5A43-4A31-303230414243",
    firmwareVersion: "",
    firmwareDate: "",
    licenseType: "",
    biosVersion: "",
    macAddress: "9c:8e:99:12:34:56",
    ipAddress: "10.0.0.11",
    ...GENERATION_DEFAULTS[generation],
    ...options.identity,
  };
  const users = new Map<string, IloUser>();
  const initialUsers = options.users ?? [{ login: "Administrator", password: "password" }];
  initialUsers.forEach((u, i) => {
    users.set(u.login, {
      id: u.id ?? String(i + 1),
      login: u.login,
      name: u.name ?? u.login,
      password: u.password,
      privileges: u.privileges ?? {
        admin: true,
        remoteConsole: true,
        resetServer: true,
        virtualMedia: true,
        configIlo: true,
      },
    });
  });
  const powered = options.powered ?? true;
  const sensors = { ...defaultSensors(), ...options.sensors };
  const logs = createLogs();
  for (const d of sensors.drives) logs.driveHealth[d.bay] = d.health;
  return {
    generation,
    clock,
    identity,
    timings: { powerOnMs: 2_000, postMs: 30_000, gracefulOffMs: 10_000, forcedOffMs: 0, ...options.timings },
    power: { on: powered, pending: null, postCompleteAt: now },
    boot: {
      override: { target: "None", enabled: "Disabled", mode: generation === "ilo3" ? "Legacy" : "UEFI" },
      persistentOrder: ["CDROM", "FLOPPY", "USB", "HDD", "NETWORK"],
    },
    virtualMedia: {
      cd: { image: null, writeProtected: true, bootOption: "NO_BOOT" },
      floppy: { image: null, writeProtected: true, bootOption: "NO_BOOT" },
    },
    uid: "Off",
    users,
    sessions: new Map(),
    maxSessions: options.maxSessions ?? 8,
    sessionIdleTimeoutMs: options.sessionIdleTimeoutMs ?? 30 * 60_000,
    sensors,
    memoryGiB: options.memoryGiB ?? 36,
    faults: { powerOnFails: false, unreachableImages: false, postHangs: false, ...options.faults },
    logs,
    revision: 0,
    listeners: new Set(),
  };
}

/** Subscribes to power changes (for a shared World model); returns the unsubscribe function. */
export function onPowerChange(state: IloState, listener: (event: PowerChangeEvent) => void): () => void {
  state.listeners.add(listener);
  return () => state.listeners.delete(listener);
}

/** Marks the state as changed (new ETags). */
export function touch(state: IloState): void {
  state.revision++;
}
