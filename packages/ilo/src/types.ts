import type { CallOptions } from "@homelab-kit/core";

/** Management processor generation. iLO 3 speaks only RIBCL; iLO 4 (≥2.30) and later also Redfish. */
export type IloGeneration = "ilo2" | "ilo3" | "ilo4" | "ilo5" | "ilo6" | "ilo7" | "unknown";
export type IloProtocol = "ribcl" | "redfish";

/** Redfish's power states; RIBCL only ever reports `On` or `Off`. */
export type PowerState = "On" | "Off" | "PoweringOn" | "PoweringOff";

/** What a power command did: `changed: false` when the host already was in that state. */
export interface PowerResult {
  changed: boolean;
  /** The iLO's own words when it said something (`"Host power is already ON."`). */
  message?: string | undefined;
}

export interface PowerReadings {
  presentWatts: number;
  averageWatts: number | undefined;
  maximumWatts: number | undefined;
  minimumWatts: number | undefined;
}

/** Boot devices under one name whatever the protocol (RIBCL CDROM/NETWORK, Redfish Cd/Pxe). */
export type BootDevice = "none" | "cd" | "floppy" | "hdd" | "usb" | "pxe" | "bios-setup";

export type VirtualMediaDevice = "cd" | "floppy";

export interface VirtualMediaStatus {
  device: VirtualMediaDevice;
  inserted: boolean;
  /** The image URL, or `null` when nothing is inserted. */
  image: string | null;
  writeProtected: boolean;
  /** Boot from this media at the next server reset (RIBCL BOOT_ONCE, Redfish BootOnNextServerReset). */
  bootOnNextReset: boolean;
}

export type HealthStatus = "ok" | "warning" | "critical" | "absent" | "unknown";

export interface TemperatureSensor {
  name: string;
  location: string | undefined;
  celsius: number | undefined;
  cautionCelsius: number | undefined;
  criticalCelsius: number | undefined;
  status: HealthStatus;
}
export interface FanSensor {
  name: string;
  percent: number | undefined;
  status: HealthStatus;
}
export interface PowerSupplyStatus {
  name: string;
  status: HealthStatus;
  capacityWatts: number | undefined;
}
export interface DriveStatus {
  name: string;
  model: string | undefined;
  status: HealthStatus;
}

export interface Health {
  /** The worst status of all sensors (absent parts ignored). */
  overall: HealthStatus;
  temperatures: TemperatureSensor[];
  fans: FanSensor[];
  powerSupplies: PowerSupplyStatus[];
  drives: DriveStatus[];
}

export interface FirmwareInfo {
  /** `"1.82"`, `"2.55"`, `"1.45"`. */
  version: string;
  date: string | undefined;
  /** `"iLO 3"`, `"iLO 5"`. */
  managementProcessor: string;
  license: string | undefined;
}

/** One component of the firmware inventory (`firmware.inventory()`). */
export interface FirmwareComponent {
  /** `"iLO"`, `"HP ProLiant System ROM"` (RIBCL), `"System ROM"`, `"HPE Smart Array P408i-a SR Gen10"`. */
  name: string;
  /** As the iLO writes it: `"2.55 Aug 16 2017"`, `"U32 v2.10 (05/21/2019)"`. */
  version: string;
  /** Whether the iLO can update it; `undefined` where the protocol does not say (RIBCL). */
  updateable: boolean | undefined;
  /** Where it is (`"System Board"`, `"Slot 0 Port 1I Box 1 Bay 1"`), when the iLO says. */
  location: string | undefined;
}

/**
 * Log entry severity, whatever the protocol: RIBCL's Informational / Caution / Critical /
 * Repaired, Redfish's OK / Warning / Critical (Repaired from `Oem.Hp(e)`); `"unknown"` otherwise.
 */
export type LogSeverity = "informational" | "caution" | "critical" | "repaired" | "unknown";

/** One entry of the IML or the iLO Event Log. */
export interface LogEntry {
  /** The entry's place in the log as read now (`"1"` is the oldest; Redfish `Id`). */
  id: string;
  /** iLO's event number, which keeps counting after a clear (Redfish `Oem.Hp(e).EventNumber`). */
  eventNumber: number | undefined;
  /** First occurrence, ISO 8601 UTC (`"2026-01-01T00:02:00Z"`; RIBCL gives minutes); undefined when the iLO had no time (`[NOT SET]`). */
  created: string | undefined;
  /** Latest repeat of the same event (`count` > 1), ISO 8601 UTC. */
  updated: string | undefined;
  severity: LogSeverity;
  message: string;
  /** How often the event happened (iLO consolidates repeats into one entry). */
  count: number | undefined;
  /** RIBCL `CLASS` (`"POST Message"`, `"iLO 3"`); undefined over Redfish. */
  className: string | undefined;
  /** IML/IEL event class and code (RIBCL `EVENT_CLASS`/`EVENT_CODE` on iLO 4+, Redfish `Oem` Class/Code). */
  eventClass: number | undefined;
  code: number | undefined;
}

export interface ProductInfo {
  productName: string;
  serialNumber: string | undefined;
  uuid: string | undefined;
}

export interface IloUser {
  login: string;
  name: string | undefined;
  admin: boolean | undefined;
}

export interface NewIloUser {
  login: string;
  password: string;
  name?: string | undefined;
  /** Full administrator (all privileges); otherwise remote console, power and virtual media only. */
  admin?: boolean | undefined;
}

/** One client over RIBCL or Redfish; the results have the same shape whichever protocol answered. */
export interface IloClient {
  /** The protocol in use (after detection, when `protocol` was `"auto"`). */
  protocol(options?: CallOptions): Promise<IloProtocol>;
  power: {
    get(options?: CallOptions): Promise<PowerState>;
    /** Powers on; `changed: false` when already on. */
    on(options?: CallOptions): Promise<PowerResult>;
    /** Forced off; `changed: false` when already off. */
    off(options?: CallOptions): Promise<PowerResult>;
    /** Momentary press of the power button (graceful shutdown when on, power on when off). */
    press(options?: CallOptions): Promise<PowerResult>;
    /** Press and hold (forced off). */
    hold(options?: CallOptions): Promise<PowerResult>;
    coldReset(options?: CallOptions): Promise<PowerResult>;
    warmReset(options?: CallOptions): Promise<PowerResult>;
    readings(options?: CallOptions): Promise<PowerReadings>;
    /** Polls until the host reports `state` (power changes lag the command by seconds). */
    waitFor(state: "On" | "Off", options?: CallOptions & { interval?: number }): Promise<void>;
  };
  boot: {
    getOneTime(options?: CallOptions): Promise<BootDevice>;
    /** Boots once from `device` (`"none"` clears it). */
    setOneTime(device: BootDevice, options?: CallOptions): Promise<void>;
    /** Persistent boot order (RIBCL), or the continuous override target first (Redfish). */
    getPersistent(options?: CallOptions): Promise<BootDevice[]>;
    /** Puts `device` first in the persistent boot order. */
    setPersistent(device: Exclude<BootDevice, "none" | "bios-setup">, options?: CallOptions): Promise<void>;
  };
  virtualMedia: {
    status(device: VirtualMediaDevice, options?: CallOptions): Promise<VirtualMediaStatus>;
    insert(
      device: VirtualMediaDevice,
      imageUrl: string,
      options?: CallOptions & { bootOnNextReset?: boolean },
    ): Promise<void>;
    eject(device: VirtualMediaDevice, options?: CallOptions): Promise<void>;
  };
  health(options?: CallOptions): Promise<Health>;
  /** The iLO's own firmware (`firmware()`) and every component's (`firmware.inventory()`). */
  firmware: {
    (options?: CallOptions): Promise<FirmwareInfo>;
    /** Every component the iLO lists: iLO, system ROM, controllers, adapters (and drives on iLO 5). */
    inventory(options?: CallOptions): Promise<FirmwareComponent[]>;
  };
  /** The Integrated Management Log (server) and the iLO Event Log (iLO), oldest entry first. */
  logs: {
    iml(options?: CallOptions): Promise<LogEntry[]>;
    iel(options?: CallOptions): Promise<LogEntry[]>;
    /** Empties the IML (Configure iLO privilege); iLO then logs the clear itself. */
    clearIml(options?: CallOptions): Promise<void>;
    /** Empties the iLO Event Log (Configure iLO privilege). */
    clearIel(options?: CallOptions): Promise<void>;
  };
  product(options?: CallOptions): Promise<ProductInfo>;
  uid: {
    get(options?: CallOptions): Promise<boolean>;
    set(on: boolean, options?: CallOptions): Promise<void>;
  };
  users: {
    list(options?: CallOptions): Promise<IloUser[]>;
    add(user: NewIloUser, options?: CallOptions): Promise<void>;
    remove(login: string, options?: CallOptions): Promise<void>;
    setPassword(login: string, password: string, options?: CallOptions): Promise<void>;
  };
  /** Logs out of the Redfish session (iLO has few slots) and closes the transport it owns. */
  close(): Promise<void>;
}

/** What a backend implements; the client adds detection, `waitFor` and `close`. */
export type IloBackend = Omit<IloClient, "protocol" | "close" | "power" | "firmware"> & {
  power: Omit<IloClient["power"], "waitFor">;
  firmware(options?: CallOptions): Promise<FirmwareInfo>;
  firmwareInventory(options?: CallOptions): Promise<FirmwareComponent[]>;
  close(): Promise<void>;
};

export function worstStatus(statuses: HealthStatus[]): HealthStatus {
  const order: HealthStatus[] = ["critical", "warning", "unknown", "ok"];
  for (const s of order) if (statuses.includes(s)) return s;
  return "ok";
}
