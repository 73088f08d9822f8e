/**
 * `Systems/1`: the computer system (boot override, indicator LED), its reset actions (DMTF and
 * OEM) and the storage under it (bodies in storage.ts).
 */
import type { RouteResponse } from "../../common/route-table.js";
import { forceOff, postState, powerOn, powerState, pressButton, reset } from "../power.js";
import { type BootOverrideEnabled, type BootTarget, type IloState, touch } from "../state.js";
import {
  type Ctx,
  checkIfMatch,
  fail,
  type Json,
  needPrivilege,
  onlyKeys,
  parseBody,
  type Resource,
  stringProp,
  success,
} from "./context.js";
import {
  collection,
  hasDmtfStorage,
  link,
  oemOf,
  overallHealth,
  SMART_STORAGE,
  STORAGE,
  V1,
} from "./resources.js";
import { storageResources } from "./storage.js";

export const RESET_TYPES = ["On", "ForceOff", "ForceRestart", "Nmi", "PushPowerButton"] as const;

export const BOOT_TARGETS: Record<IloState["generation"], readonly string[]> = {
  ilo3: [],
  ilo4: ["None", "Cd", "Hdd", "Usb", "Utilities", "Diags", "BiosSetup", "Pxe", "UefiShell", "UefiTarget"],
  ilo5: [
    "None",
    "Cd",
    "Hdd",
    "Usb",
    "SDCard",
    "Utilities",
    "Diags",
    "BiosSetup",
    "Pxe",
    "UefiShell",
    "UefiHttp",
    "UefiTarget",
  ],
};

export function system(state: IloState): object {
  const oem = oemOf(state);
  const base = "/redfish/v1/Systems/1/";
  const o = state.boot.override;
  return {
    "@odata.context": "/redfish/v1/$metadata#ComputerSystem.ComputerSystem",
    "@odata.id": base,
    "@odata.type": "#ComputerSystem.v1_4_0.ComputerSystem",
    Id: "1",
    Actions: {
      "#ComputerSystem.Reset": {
        "ResetType@Redfish.AllowableValues": [...RESET_TYPES],
        target: `${base}Actions/ComputerSystem.Reset/`,
      },
    },
    AssetTag: "",
    BiosVersion: state.identity.biosVersion,
    Boot: {
      BootSourceOverrideEnabled: o.enabled,
      BootSourceOverrideMode: o.mode,
      BootSourceOverrideTarget: o.target,
      "BootSourceOverrideTarget@Redfish.AllowableValues": [...BOOT_TARGETS[state.generation]],
      UefiTargetBootSourceOverride: "None",
    },
    HostName: state.identity.hostName,
    IndicatorLED: state.uid === "On" ? "Lit" : "Off",
    Links: { ManagedBy: [link("/redfish/v1/Managers/1/")], Chassis: [link("/redfish/v1/Chassis/1/")] },
    LogServices: link("/redfish/v1/Systems/1/LogServices/"),
    Manufacturer: oem.key === "Hp" ? "HP" : "HPE",
    MemorySummary: { Status: { HealthRollup: "OK" }, TotalSystemMemoryGiB: state.memoryGiB },
    Model: state.identity.productName,
    Name: "Computer System",
    Oem: {
      [oem.key]: {
        "@odata.type": `#${oem.prefix}ComputerSystemExt.v2_6_1.${oem.prefix}ComputerSystemExt`,
        Actions: {
          [`#${oem.prefix}ComputerSystemExt.PowerButton`]: {
            "PushType@Redfish.AllowableValues": ["Press", "PressAndHold"],
            target: `${base}Actions/Oem/${oem.key}/${oem.prefix}ComputerSystemExt.PowerButton/`,
          },
          [`#${oem.prefix}ComputerSystemExt.SystemReset`]: {
            "ResetType@Redfish.AllowableValues": ["ColdBoot", "AuxCycle"],
            target: `${base}Actions/Oem/${oem.key}/${oem.prefix}ComputerSystemExt.SystemReset/`,
          },
        },
        Bios: { Current: { VersionString: state.identity.biosVersion } },
        Links: {
          SmartStorage: link(SMART_STORAGE),
          // iLO 4's firmware inventory; iLO 5 has the DMTF UpdateService instead (firmware.ts).
          ...(state.generation === "ilo4"
            ? { FirmwareInventory: link("/redfish/v1/Systems/1/FirmwareInventory/") }
            : {}),
        },
        PostState: postState(state),
        PowerAutoOn: "PowerOn",
      },
    },
    PowerState: powerState(state),
    ProcessorSummary: {
      Count: 2,
      Model: "Intel(R) Xeon(R) CPU L5640 @ 2.27GHz",
      Status: { HealthRollup: "OK" },
    },
    SerialNumber: state.identity.serialNumber,
    Status: { Health: overallHealth(state), State: "Enabled" },
    ...(hasDmtfStorage(state) ? { Storage: link(STORAGE) } : {}),
    SystemType: "Physical",
    UUID: state.identity.uuid,
  };
}

const TARGET_TO_RIBCL: Partial<Record<BootTarget, string>> = {
  Cd: "CDROM",
  Floppy: "FLOPPY",
  Usb: "USB",
  Hdd: "HDD",
  Pxe: "NETWORK",
};

function patchSystem(ctx: Ctx): RouteResponse {
  const { state } = ctx;
  const body = parseBody(ctx);
  checkIfMatch(ctx, system(state));
  onlyKeys(ctx, body, ["Boot", "IndicatorLED"]);
  const led = stringProp(ctx, body, "IndicatorLED", ["Lit", "Off", "Blinking"]);
  const boot = body.Boot;
  if (boot !== undefined && (typeof boot !== "object" || boot === null || Array.isArray(boot))) {
    fail(state, 400, "PropertyValueTypeError", [JSON.stringify(boot), "Boot"]);
  }
  let next = state.boot.override;
  if (boot) {
    needPrivilege(ctx, "configIlo");
    const b = boot as Json;
    onlyKeys(
      ctx,
      b,
      [
        "BootSourceOverrideTarget",
        "BootSourceOverrideEnabled",
        "BootSourceOverrideMode",
        "UefiTargetBootSourceOverride",
      ],
      "Boot/",
    );
    const target = stringProp(ctx, b, "BootSourceOverrideTarget", BOOT_TARGETS[state.generation]) as
      | BootTarget
      | undefined;
    const enabled = stringProp(ctx, b, "BootSourceOverrideEnabled", ["Disabled", "Once", "Continuous"]) as
      | BootOverrideEnabled
      | undefined;
    const mode = stringProp(ctx, b, "BootSourceOverrideMode", ["UEFI", "Legacy"]) as
      | "UEFI"
      | "Legacy"
      | undefined;
    next = { ...next };
    if (target !== undefined) next.target = target;
    if (enabled !== undefined) next.enabled = enabled;
    else if (target !== undefined && next.enabled === "Disabled" && target !== "None") next.enabled = "Once";
    if (next.target === "None") next.enabled = "Disabled";
    if (mode !== undefined) next.mode = mode;
  }
  // Validate everything before changing anything.
  if (led !== undefined) state.uid = led === "Off" ? "Off" : "On";
  if (boot) {
    state.boot.override = next;
    const ribcl = TARGET_TO_RIBCL[next.target];
    if (next.enabled === "Continuous" && ribcl) {
      state.boot.persistentOrder = [ribcl, ...state.boot.persistentOrder.filter((d) => d !== ribcl)];
    }
  }
  touch(state);
  return success(state);
}

function resetAction(ctx: Ctx): RouteResponse {
  const { state } = ctx;
  const body = parseBody(ctx);
  needPrivilege(ctx, "resetServer");
  const type = body.ResetType;
  if (type === undefined) fail(state, 400, "ActionParameterMissing", ["#ComputerSystem.Reset", "ResetType"]);
  if (typeof type !== "string" || !(RESET_TYPES as readonly string[]).includes(type)) {
    fail(state, 400, "ActionParameterValueNotInList", [String(type), "ResetType"]);
  }
  const outcome =
    type === "On"
      ? powerOn(state)
      : type === "ForceOff"
        ? forceOff(state)
        : type === "PushPowerButton"
          ? pressButton(state)
          : type === "ForceRestart"
            ? reset(state, "warm")
            : powerState(state) === "Off"
              ? "refused-while-off"
              : "ok"; // Nmi
  if (outcome === "refused-while-off") fail(state, 400, "InvalidOperationForSystemState", ["Power is off"]);
  return success(state);
}

function powerButtonAction(ctx: Ctx): RouteResponse {
  const { state } = ctx;
  const body = parseBody(ctx);
  needPrivilege(ctx, "resetServer");
  const push = body.PushType;
  if (push === undefined) fail(state, 400, "ActionParameterMissing", ["PowerButton", "PushType"]);
  if (push === "Press") pressButton(state);
  else if (push === "PressAndHold") forceOff(state);
  else fail(state, 400, "ActionParameterValueNotInList", [String(push), "PushType"]);
  return success(state);
}

function systemResetAction(ctx: Ctx): RouteResponse {
  const { state } = ctx;
  const body = parseBody(ctx);
  needPrivilege(ctx, "resetServer");
  const type = body.ResetType;
  if (type !== "ColdBoot" && type !== "AuxCycle") {
    fail(state, 400, "ActionParameterValueNotInList", [String(type), "ResetType"]);
  }
  reset(state, "cold");
  return success(state);
}

export function systemResources(state: IloState): Resource[] {
  const oem = oemOf(state);
  const oemSys = `${V1}/systems/1/actions/oem/${oem.key.toLowerCase()}/${oem.prefix.toLowerCase()}computersystemext`;
  return [
    {
      path: `${V1}/systems`,
      get: () =>
        collection(`${V1}/Systems/`, "ComputerSystemCollection", "Computer Systems", [`${V1}/Systems/1/`]),
    },
    { path: `${V1}/systems/1`, get: () => system(state), patch: patchSystem },
    { path: `${V1}/systems/1/actions/computersystem.reset`, post: resetAction },
    { path: `${oemSys}.powerbutton`, post: powerButtonAction },
    { path: `${oemSys}.systemreset`, post: systemResetAction },
    ...storageResources(state),
  ];
}
