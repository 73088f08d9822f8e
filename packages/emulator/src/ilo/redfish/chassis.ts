/** `Chassis/1` with its `Thermal` and `Power` (readings.ts gives the sensor values). */
import { sensorReadings } from "../readings.js";
import type { IloState } from "../state.js";
import type { Resource } from "./context.js";
import { collection, link, oemOf, overallHealth, V1 } from "./resources.js";

export function chassis(state: IloState): object {
  return {
    "@odata.context": "/redfish/v1/$metadata#Chassis.Chassis",
    "@odata.id": "/redfish/v1/Chassis/1/",
    "@odata.type": "#Chassis.v1_6_0.Chassis",
    Id: "1",
    ChassisType: "RackMount",
    Manufacturer: oemOf(state).key === "Hp" ? "HP" : "HPE",
    Model: state.identity.productName,
    Name: "Computer System Chassis",
    Power: link("/redfish/v1/Chassis/1/Power/"),
    SerialNumber: state.identity.serialNumber,
    Status: { Health: overallHealth(state), State: "Enabled" },
    Thermal: link("/redfish/v1/Chassis/1/Thermal/"),
  };
}

export function thermal(state: IloState): object {
  const readings = sensorReadings(state);
  return {
    "@odata.context": "/redfish/v1/$metadata#Thermal.Thermal",
    "@odata.id": "/redfish/v1/Chassis/1/Thermal/",
    "@odata.type": "#Thermal.v1_1_0.Thermal",
    Id: "Thermal",
    Name: "Thermal",
    Fans: readings.fans.map((f, i) => ({
      "@odata.id": `/redfish/v1/Chassis/1/Thermal/#Fans/${i}`,
      MemberId: String(i),
      Name: f.name,
      Reading: f.reading,
      ReadingUnits: "Percent",
      Status: { Health: f.health, State: "Enabled" },
    })),
    Temperatures: readings.temperatures.map((t, i) => ({
      "@odata.id": `/redfish/v1/Chassis/1/Thermal/#Temperatures/${i}`,
      MemberId: String(i),
      Name: t.name,
      PhysicalContext: t.location === "Ambient" ? "Intake" : t.location,
      ReadingCelsius: t.reading,
      UpperThresholdCritical: t.caution,
      UpperThresholdFatal: t.critical,
      Status: { Health: t.health, State: "Enabled" },
    })),
  };
}

export function power(state: IloState): object {
  const readings = sensorReadings(state);
  const w = readings.watts;
  const capacity = state.sensors.powerSupplies
    .filter((p) => p.present)
    .reduce((n, p) => n + p.capacityWatts, 0);
  return {
    "@odata.context": "/redfish/v1/$metadata#Power.Power",
    "@odata.id": "/redfish/v1/Chassis/1/Power/",
    "@odata.type": "#Power.v1_3_0.Power",
    Id: "Power",
    Name: "PowerMetrics",
    PowerControl: [
      {
        "@odata.id": "/redfish/v1/Chassis/1/Power/#PowerControl/0",
        MemberId: "0",
        PowerCapacityWatts: capacity,
        PowerConsumedWatts: w.present,
        PowerMetrics: {
          AverageConsumedWatts: w.average,
          IntervalInMin: 20,
          MaxConsumedWatts: w.maximum,
          MinConsumedWatts: w.minimum,
        },
      },
    ],
    PowerSupplies: readings.powerSupplies.map((p, i) => ({
      "@odata.id": `/redfish/v1/Chassis/1/Power/#PowerSupplies/${i}`,
      MemberId: String(i),
      Name: p.name,
      PowerCapacityWatts: p.capacityWatts,
      SerialNumber: p.serial,
      Status: { Health: p.health, State: p.present ? "Enabled" : "Absent" },
    })),
  };
}

export function chassisResources(state: IloState): Resource[] {
  return [
    {
      path: `${V1}/chassis`,
      get: () => collection(`${V1}/Chassis/`, "ChassisCollection", "Chassis", [`${V1}/Chassis/1/`]),
    },
    { path: `${V1}/chassis/1`, get: () => chassis(state) },
    { path: `${V1}/chassis/1/thermal`, get: () => thermal(state) },
    { path: `${V1}/chassis/1/power`, get: () => power(state) },
  ];
}
