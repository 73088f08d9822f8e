/**
 * What an iLO's sensors read right now, from its configured sensors (`state.sensors`: the host
 * idle) and the host's activity (`state.activity`, set by the World from the VMs running on the
 * host): power draw, temperatures and fan speeds rise with CPU load. RIBCL, Redfish and the
 * emulated iLO exporter all read these, so the three agree.
 *
 * The model (an assumption of the emulator, not a measurement): at full load a DL360 G7's two
 * Xeon X5650 sockets add their TDP, 2 × 95 W, to the idle draw; CPU sensors rise 35 °C, memory
 * 10 °C, other non-ambient sensors 5 °C; fans go from their idle percentage to 70 %. While the host
 * is off the draw and the fans read 0 and temperatures their idle values.
 */
import { isOn } from "./power.js";
import type { Fan, IloState, PowerSupply, Temperature } from "./state.js";

const FULL_LOAD_EXTRA_WATTS = 2 * 95;
const FULL_LOAD_FAN_PERCENT = 70;

export interface SensorReadings {
  on: boolean;
  /** Busy share of the host's CPU threads used for the readings (0..1; 0 while off). */
  cpu: number;
  watts: { present: number; average: number; maximum: number; minimum: number };
  temperatures: Array<Temperature & { reading: number }>;
  fans: Array<Fan & { reading: number }>;
  /** The power supplies with a serial number (derived from the server's, stable per host). */
  powerSupplies: Array<PowerSupply & { serial: string }>;
}

function temperatureRise(t: Temperature): number {
  if (t.location === "Ambient") return 0;
  if (t.location === "CPU") return 35;
  if (t.location === "Memory") return 10;
  return 5;
}

export function sensorReadings(state: IloState): SensorReadings {
  const on = isOn(state);
  const cpu = on ? Math.min(1, Math.max(0, state.activity?.() ?? 0)) : 0;
  const s = state.sensors;
  const extra = Math.round(FULL_LOAD_EXTRA_WATTS * cpu);
  const watts = on
    ? {
        present: s.watts.present + extra,
        average: s.watts.average + extra,
        maximum: s.watts.maximum + extra,
        minimum: s.watts.minimum + extra,
      }
    : { present: 0, average: 0, maximum: 0, minimum: 0 };
  return {
    on,
    cpu,
    watts,
    temperatures: s.temperatures.map((t) => ({
      ...t,
      reading: Math.round(t.celsius + temperatureRise(t) * cpu),
    })),
    fans: s.fans.map((f) => ({
      ...f,
      reading: on ? Math.round(f.percent + Math.max(0, FULL_LOAD_FAN_PERCENT - f.percent) * cpu) : 0,
    })),
    powerSupplies: s.powerSupplies.map((p, i) => ({
      ...p,
      serial: `5DMVV0${state.identity.serialNumber.slice(-5)}${i + 1}`,
    })),
  };
}
