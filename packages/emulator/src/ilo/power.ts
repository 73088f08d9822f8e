import { logEvent, noteHardware } from "./event-log.js";
import { type IloState, touch } from "./state.js";
import { consumeBootOnce } from "./virtual-media.js";

/** What a power operation did; adapters turn it into RIBCL statuses or Redfish errors. */
export type PowerOutcome = "ok" | "already-on" | "already-off" | "refused-while-off";

export type RedfishPowerState = "On" | "Off" | "PoweringOn" | "PoweringOff";
export type PostState = "PowerOff" | "InPost" | "InPostDiscoveryComplete" | "FinishedPost";

/**
 * Applies a pending power change whose time has come, notifies listeners, and logs what happened
 * (IEL "Server power restored." / "Server power removed."; drives and POST through `noteHardware`).
 */
export function settle(state: IloState): void {
  const pending = state.power.pending;
  if (pending && state.clock.now() >= pending.at) applyPending(state, pending);
  noteHardware(state);
}

function applyPending(state: IloState, pending: { to: "On" | "Off"; at: number }): void {
  const from = state.power.on ? "On" : "Off";
  state.power.pending = null;
  if (pending.to === "On" && state.faults.powerOnFails) {
    touch(state);
    return;
  }
  state.power.on = pending.to === "On";
  if (state.power.on) {
    state.power.postCompleteAt = postEnd(state, pending.at);
    state.logs.postLogged = false;
    consumeOneTimeBoot(state);
  }
  touch(state);
  if (from !== pending.to) {
    logEvent(
      state,
      "iel",
      pending.to === "On" ? "powerRestored" : "powerRemoved",
      pending.to === "On" ? "Server power restored." : "Server power removed.",
      { at: pending.at },
    );
    const event = { host: state.identity.hostName, from, to: pending.to, at: pending.at } as const;
    for (const listener of state.listeners) listener(event);
  }
}

/** Redfish `PowerState`: transitions are visible while they last. */
export function powerState(state: IloState): RedfishPowerState {
  settle(state);
  const pending = state.power.pending;
  if (pending) return pending.to === "On" ? "PoweringOn" : "PoweringOff";
  return state.power.on ? "On" : "Off";
}

/** Whether the host is electrically on right now (RIBCL HOST_POWER). */
export function isOn(state: IloState): boolean {
  settle(state);
  return state.power.on;
}

export function postState(state: IloState): PostState {
  settle(state);
  if (!state.power.on) return "PowerOff";
  const left = state.power.postCompleteAt - state.clock.now();
  if (left <= 0) return "FinishedPost";
  return left < state.timings.postMs / 3 ? "InPostDiscoveryComplete" : "InPost";
}

function schedule(state: IloState, to: "On" | "Off", delayMs: number): void {
  state.power.pending = { to, at: state.clock.now() + delayMs };
  touch(state);
  settle(state);
}

/** Powers on (RIBCL SET_HOST_POWER Yes, Redfish On). */
export function powerOn(state: IloState): PowerOutcome {
  settle(state);
  if (state.power.pending?.to === "On" || (state.power.on && !state.power.pending)) return "already-on";
  schedule(state, "On", state.timings.powerOnMs);
  return "ok";
}

/** Forced off (press and hold, SET_HOST_POWER No, ForceOff). */
export function forceOff(state: IloState): PowerOutcome {
  settle(state);
  if (!state.power.on && state.power.pending?.to !== "On") return "already-off";
  schedule(state, "Off", state.timings.forcedOffMs);
  return "ok";
}

/** A momentary press: powers on when off, asks the OS to shut down when on. */
export function pressButton(state: IloState): PowerOutcome {
  settle(state);
  if (state.power.pending) return "ok";
  if (!state.power.on) return powerOn(state);
  schedule(state, "Off", state.timings.gracefulOffMs);
  return "ok";
}

/** Warm or cold reset: refused while off, as real iLO does; restarts POST otherwise. */
export function reset(state: IloState, kind: "warm" | "cold"): PowerOutcome {
  settle(state);
  if (!state.power.on || state.power.pending?.to === "Off") {
    if (kind === "cold" && !state.power.on) return powerOn(state);
    return "refused-while-off";
  }
  state.power.pending = null;
  state.power.postCompleteAt = postEnd(state, state.clock.now());
  state.logs.postLogged = false;
  consumeOneTimeBoot(state);
  logEvent(state, "iel", "serverReset", "Server reset.");
  touch(state);
  return "ok";
}

/** When a POST that starts at `from` finishes: never while the `postHangs` fault is on. */
function postEnd(state: IloState, from: number): number {
  return state.faults.postHangs ? Number.MAX_SAFE_INTEGER : from + state.timings.postMs;
}

/** A boot happened: one-time overrides and BOOT_ONCE virtual media are used up. */
function consumeOneTimeBoot(state: IloState): void {
  if (state.boot.override.enabled === "Once") {
    state.boot.override = { ...state.boot.override, target: "None", enabled: "Disabled" };
  }
  consumeBootOnce(state);
}
