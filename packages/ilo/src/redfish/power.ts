/** Host power over Redfish: `#ComputerSystem.Reset`, iLO's OEM power button and system reset, readings. */
import type { CallOptions } from "@homelab-kit/core";
import type { IloBackend, PowerResult } from "../types.js";
import type { RedfishContext } from "./context.js";
import { actionTarget, linkAt, notLinked, oemOf } from "./links.js";
import { Chassis, Power } from "./schemas.js";

export function redfishPower({ http, nav }: RedfishContext): IloBackend["power"] {
  const system = (call?: CallOptions) => nav.system(call);

  async function reset(resetType: string, call?: CallOptions): Promise<void> {
    const { url, body } = await system(call);
    const target = actionTarget(body.Actions, "#ComputerSystem.Reset");
    if (target === undefined)
      throw notLinked(nav.absolute(url), "#ComputerSystem.Reset action", "REDFISH_NO_ACTION");
    await http.post(target, { ResetType: resetType }, call);
  }

  async function powerChange(
    wanted: "On" | "Off",
    resetType: string,
    call?: CallOptions,
  ): Promise<PowerResult> {
    const { body } = await system(call);
    const state = body.PowerState;
    if (state === wanted || state === `Powering${wanted}`) {
      return { changed: false, message: `Host power is already ${wanted.toUpperCase()}.` };
    }
    await reset(resetType, call);
    return { changed: true };
  }

  return {
    async get(call) {
      const state = (await system(call)).body.PowerState;
      return state === "Paused" || state == null ? "On" : state;
    },
    on: (call) => powerChange("On", "On", call),
    off: (call) => powerChange("Off", "ForceOff", call),
    async press(call) {
      await reset("PushPowerButton", call);
      return { changed: true };
    },
    async hold(call) {
      const { body } = await system(call);
      if (body.PowerState === "Off") return { changed: false, message: "Host power is already OFF." };
      const target = actionTarget(oemOf(body).Actions, "ComputerSystemExt.PowerButton");
      if (target) await http.post(target, { PushType: "PressAndHold" }, call);
      else await reset("ForceOff", call);
      return { changed: true };
    },
    async coldReset(call) {
      const { body } = await system(call);
      const target = actionTarget(oemOf(body).Actions, "ComputerSystemExt.SystemReset");
      if (target) await http.post(target, { ResetType: "ColdBoot" }, call);
      else await reset("ForceRestart", call);
      return { changed: true };
    },
    async warmReset(call) {
      await reset("ForceRestart", call);
      return { changed: true };
    },
    async readings(call) {
      const chassis = await nav.chassisUrl(call);
      const link = linkAt((await http.get(chassis, Chassis, call)).body, "Power");
      if (link === undefined)
        throw notLinked(nav.absolute(chassis), "Power resource", "REDFISH_NO_POWER_METRICS");
      const { body } = await http.get(link, Power, call);
      const control = body.PowerControl[0];
      return {
        presentWatts: control?.PowerConsumedWatts ?? 0,
        averageWatts: control?.PowerMetrics?.AverageConsumedWatts ?? undefined,
        maximumWatts: control?.PowerMetrics?.MaxConsumedWatts ?? undefined,
        minimumWatts: control?.PowerMetrics?.MinConsumedWatts ?? undefined,
      };
    },
  };
}
