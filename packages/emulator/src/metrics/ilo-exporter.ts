/**
 * iLO power and thermal metrics named as MauveSoftware/ilo_exporter (v1.x, Go, MIT) names them —
 * a widely used exporter with a Grafana dashboard and alert rules of its own, one process for many
 * iLOs (`/metrics?host=<ilo>`), reading Redfish `Systems/1`, `Chassis/1/Power` and
 * `Chassis/1/Thermal`:
 * `ilo_power_up{host}`, `ilo_power_{current,average,min,max,capacity}_watt{host,id}`,
 * `ilo_power_supply_{healthy,enabled}{host,serial}`,
 * `ilo_chassis_temperature_{current,critical,fatal,healthy}{host,name}`,
 * `ilo_chassis_fan_{current_percent,healthy,enabled}{host,name}`,
 * `ilo_{chassis,system}_scrape_duration_second{host}` (sources: its `pkg/chassis/power/metrics.go`,
 * `pkg/chassis/thermal/metrics.go`, `pkg/system/collector.go`, `pkg/common/status.go`: healthy = 1
 * when Health is OK, enabled = 1 when State is Enabled; absent supplies are skipped).
 * Values are the readings RIBCL and Redfish report (ilo/readings.ts), so they follow the World:
 * power draw and temperatures rise with the VMs on the host, and read 0 / idle while it is off —
 * the iLO itself stays reachable on standby power, as a real one does.
 * That exporter reads Redfish (iLO 4 and later); the emulator exports the same names for iLO 3
 * hosts too, from the same readings their RIBCL `GET_EMBEDDED_HEALTH` answers.
 */
import { powerState } from "../ilo/power.js";
import { sensorReadings } from "../ilo/readings.js";
import type { IloState } from "../ilo/state.js";
import { ExpositionWriter, labelSet } from "./exposition.js";

export interface IloExporter {
  /** One scrape of the iLO of `host`, labelled `host` as the exporter labels its target. */
  text(target: string): string;
}

export function createIloExporter(ilo: IloState): IloExporter {
  return {
    text(target) {
      const t0 = performance.now();
      const readings = sensorReadings(ilo);
      const out = new ExpositionWriter("go");
      const host = labelSet([["host", target]]);
      const named = (name: string) =>
        labelSet([
          ["host", target],
          ["name", name],
        ]);
      const pc = labelSet([
        ["host", target],
        ["id", "0"],
      ]);
      const byName = <T extends { name: string }>(items: T[]) =>
        [...items].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const fans = byName(readings.fans);
      const temps = byName(readings.temperatures);
      const supplies = readings.powerSupplies
        .filter((p) => p.present)
        .sort((a, b) => (a.serial < b.serial ? -1 : 1));
      const capacity = readings.powerSupplies
        .filter((p) => p.present)
        .reduce((n, p) => n + p.capacityWatts, 0);
      const ok = (health: string) => (health === "OK" ? 1 : 0);
      const family = (name: string, help: string, samples: Array<[string, number]>) => {
        out.family(name, "gauge", help);
        for (const [labels, value] of samples) out.sample(name, labels, value);
      };
      const chassisSeconds = (performance.now() - t0) / 1000;
      family(
        "ilo_chassis_fan_current_percent",
        "Current power in percent",
        fans.map((f) => [named(f.name), f.reading]),
      );
      family(
        "ilo_chassis_fan_enabled",
        "Status of the fan",
        fans.map((f) => [named(f.name), 1]),
      );
      family(
        "ilo_chassis_fan_healthy",
        "Health status of the fan",
        fans.map((f) => [named(f.name), ok(f.health)]),
      );
      family("ilo_chassis_scrape_duration_second", "Scrape duration for the chassis module", [
        [host, chassisSeconds],
      ]);
      family(
        "ilo_chassis_temperature_critical",
        "Critcal temperature threshold in degree celsius",
        temps.map((t) => [named(t.name), t.caution]),
      );
      family(
        "ilo_chassis_temperature_current",
        "Current temperature in degree celsius",
        temps.map((t) => [named(t.name), t.reading]),
      );
      family(
        "ilo_chassis_temperature_fatal",
        "Fatal temperature threshold in degree celsius",
        temps.map((t) => [named(t.name), t.critical]),
      );
      family(
        "ilo_chassis_temperature_healthy",
        "Health status of the temperature sensor",
        temps.map((t) => [named(t.name), ok(t.health)]),
      );
      family("ilo_power_average_watt", "Average power consumption in watt", [[pc, readings.watts.average]]);
      family("ilo_power_capacity_watt", "Power capacity in watt", [[pc, capacity]]);
      family("ilo_power_current_watt", "Current power consumption in watt", [[pc, readings.watts.present]]);
      family("ilo_power_max_watt", "Maximum power consumption in watt", [[pc, readings.watts.maximum]]);
      family("ilo_power_min_watt", "Minimum power consumption in watt", [[pc, readings.watts.minimum]]);
      const serial = (s: string) =>
        labelSet([
          ["host", target],
          ["serial", s],
        ]);
      family(
        "ilo_power_supply_enabled",
        "Status of the power supply",
        supplies.map((p) => [serial(p.serial), 1]),
      );
      family(
        "ilo_power_supply_healthy",
        "Health status of the power supply",
        supplies.map((p) => [serial(p.serial), ok(p.health)]),
      );
      // the exporter's System.PowerUpValue: 1 when Redfish PowerState is "On"
      family("ilo_power_up", "Power status", [[host, powerState(ilo) === "On" ? 1 : 0]]);
      family("ilo_system_scrape_duration_second", "Scrape duration for the system module", [
        [host, (performance.now() - t0) / 1000],
      ]);
      return out.text();
    },
  };
}
