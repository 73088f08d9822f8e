/**
 * The two OData documents every Redfish service serves without authentication (DSP0266 "OData
 * $metadata" and "OData service document"), shaped after the real iLO 5 1.45 dump
 * (docs/reference/ilo/samples/redfish/ilo5-1.45-bl460c-gen10/redfish/v1/$metadata/index.xml and
 * odata/index.json): `$metadata` references the DMTF schema of every type the emulator serves and
 * declares the `Service` entity container; `odata` lists the root's collections and services.
 */

import type { IloState } from "../state.js";
import { hasUpdateService } from "./firmware.js";

/** Namespaces of the types the emulator serves (`#ComputerSystem.v1_4_0.ComputerSystem` → both). */
const SCHEMAS: Array<[string, string[]]> = [
  ["ServiceRoot", ["v1_5_0"]],
  ["AccountService", ["v1_3_0"]],
  ["Chassis", ["v1_6_0"]],
  ["ChassisCollection", []],
  ["ComputerSystem", ["v1_4_0"]],
  ["ComputerSystemCollection", []],
  ["Drive", ["v1_7_0"]],
  ["LogEntry", ["v1_0_0"]],
  ["LogEntryCollection", []],
  ["LogService", ["v1_0_0"]],
  ["LogServiceCollection", []],
  ["Manager", ["v1_3_3"]],
  ["ManagerAccount", ["v1_1_3"]],
  ["ManagerAccountCollection", []],
  ["ManagerCollection", []],
  ["Power", ["v1_3_0"]],
  ["Role", ["v1_2_1"]],
  ["RoleCollection", []],
  ["Session", ["v1_0_0"]],
  ["SessionCollection", []],
  ["SessionService", ["v1_0_0"]],
  ["SoftwareInventory", ["v1_0_0"]],
  ["SoftwareInventoryCollection", []],
  ["Storage", ["v1_7_0"]],
  ["StorageCollection", []],
  ["Thermal", ["v1_1_0"]],
  ["UpdateService", ["v1_1_1"]],
  ["VirtualMedia", ["v1_2_0"]],
  ["VirtualMediaCollection", []],
  ["Resource", ["v1_1_0"]],
];

export function metadataDocument(): string {
  const refs = SCHEMAS.map(
    ([name, versions]) =>
      `    <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/${name}_v1.xml">\n` +
      `        <edmx:Include Namespace="${name}"/>\n` +
      versions.map((v) => `        <edmx:Include Namespace="${name}.${v}"/>\n`).join("") +
      "    </edmx:Reference>\n",
  ).join("");
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<edmx:Edmx xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx" Version="4.0">\n' +
    refs +
    '    <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/RedfishExtensions_v1.xml">\n' +
    '        <edmx:Include Namespace="RedfishExtensions.v1_0_0" Alias="Redfish"/>\n' +
    "    </edmx:Reference>\n" +
    "    <edmx:DataServices>\n" +
    '        <Schema xmlns="http://docs.oasis-open.org/odata/ns/edm" Namespace="Service">\n' +
    '            <EntityContainer Name="Service" Extends="ServiceRoot.v1_5_0.ServiceContainer"/>\n' +
    "        </Schema>\n" +
    "    </edmx:DataServices>\n" +
    "</edmx:Edmx>\n"
  );
}

export function odataServiceDocument(state: IloState): object {
  const singletons = [
    ["Service", "/redfish/v1/"],
    ["Systems", "/redfish/v1/Systems/"],
    ["Chassis", "/redfish/v1/Chassis/"],
    ["Managers", "/redfish/v1/Managers/"],
    ["AccountService", "/redfish/v1/AccountService/"],
    ["SessionService", "/redfish/v1/SessionService/"],
    ["Sessions", "/redfish/v1/SessionService/Sessions/"],
    ...(hasUpdateService(state) ? [["UpdateService", "/redfish/v1/UpdateService/"]] : []),
  ];
  return {
    "@odata.context": "/redfish/v1/$metadata",
    value: singletons.map(([name, url]) => ({ name, kind: "Singleton", url })),
  };
}
