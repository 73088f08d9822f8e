/** A deterministic ~10 kB JSON document shaped like a Redfish ComputerSystem (the reference measured /redfish/v1/Systems/1/). */
export function makeDocument(targetBytes = 10_240) {
  const doc = {
    "@odata.context": "/redfish/v1/$metadata#ComputerSystem.ComputerSystem",
    "@odata.id": "/redfish/v1/Systems/1/",
    "@odata.type": "#ComputerSystem.v1_4_0.ComputerSystem",
    Id: "1",
    Name: "Computer System",
    Manufacturer: "HPE",
    Model: "ProLiant DL360 Gen10",
    PowerState: "On",
    Status: { Health: "OK", HealthRollup: "OK", State: "Enabled" },
    ProcessorSummary: {
      Count: 2,
      Model: "Intel(R) Xeon(R) CPU E5-2630 v2 @ 2.60GHz",
      Status: { HealthRollup: "OK" },
    },
    MemorySummary: { TotalSystemMemoryGiB: 47, Status: { HealthRollup: "OK" } },
    Oem: { Hpe: { Bios: { Current: { Date: "2019-05-24", Family: "P71", VersionString: "U32 v2.10" } } } },
    Boot: { BootSourceOverrideEnabled: "Disabled", BootSourceOverrideTarget: "None" },
    Links: {
      Chassis: [{ "@odata.id": "/redfish/v1/Chassis/1/" }],
      ManagedBy: [{ "@odata.id": "/redfish/v1/Managers/1/" }],
    },
    EthernetInterfaces: [],
  };
  let i = 0;
  while (Buffer.byteLength(JSON.stringify(doc)) < targetBytes) {
    doc.EthernetInterfaces.push({
      "@odata.id": `/redfish/v1/Systems/1/EthernetInterfaces/${i}/`,
      Id: String(i),
      MACAddress: `9c:8e:99:${(i & 0xff).toString(16).padStart(2, "0")}:4a:1${i % 10}`,
      SpeedMbps: 1000,
      Status: { Health: "OK", State: i % 3 === 0 ? "Enabled" : "Disabled" },
    });
    i++;
  }
  return doc;
}
