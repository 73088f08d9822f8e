/** The Redfish servers .ci/suites/ilo-redfish.sh started (the file ILO_REDFISH_SERVERS names). */
import { readFileSync } from "node:fs";

export interface RedfishServer {
  /** What it is, as the per-server counts print it. */
  name: string;
  /** `http://127.0.0.1:PORT` */
  url: string;
  username?: string;
  password?: string;
}

export interface RedfishServers {
  /** sushy-tools with its fake driver and HTTP Basic auth. */
  sushy: RedfishServer;
  /** DMTF's Redfish-Mockup-Server serving its public-rackmount1 mockup. */
  rackmount1: RedfishServer;
  /** DMTF's Redfish-Mockup-Server serving docs/reference/ilo/samples/redfish/ilo5-1.45-bl460c-gen10. */
  ilo5: RedfishServer;
}

export function redfishServers(): RedfishServers {
  const file = process.env.ILO_REDFISH_SERVERS;
  if (!file) throw new Error("ILO_REDFISH_SERVERS is not set: run bash .ci/suites/ilo-redfish.sh");
  return JSON.parse(readFileSync(file, "utf8")) as RedfishServers;
}
