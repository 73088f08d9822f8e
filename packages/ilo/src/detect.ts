import { type CallOptions, request, type Transport } from "@homelab-kit/core";
import type { IloGeneration, IloProtocol } from "./types.js";

export interface IloDiscovery {
  generation: IloGeneration;
  /** Firmware version from `<FWRI>`, e.g. `"1.82"`. */
  firmwareVersion: string | undefined;
  /** Server model from `<SPN>`, e.g. `"ProLiant DL360 G7"`. */
  productName: string | undefined;
}

function tag(xml: string, name: string): string | undefined {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1]?.trim();
}

/** Reads the unauthenticated `GET /xmldata?item=all` every iLO since iLO 2 answers. */
export async function discoverIlo(
  baseUrl: string,
  transport: Transport,
  options: CallOptions = {},
): Promise<IloDiscovery> {
  const response = await request(
    transport,
    { method: "GET", url: new URL("/xmldata?item=all", baseUrl).toString(), headers: { accept: "text/xml" } },
    { ...options, httpError: undefined },
  );
  const xml = new TextDecoder("latin1").decode(response.body);
  const pn = tag(xml, "PN") ?? "";
  const n = /iLO\s*(\d)/i.exec(pn)?.[1];
  const generation = (
    n && ["2", "3", "4", "5", "6", "7"].includes(n) ? `ilo${n}` : "unknown"
  ) as IloGeneration;
  return { generation, firmwareVersion: tag(xml, "FWRI"), productName: tag(xml, "SPN") };
}

/**
 * The protocol to speak: Redfish from iLO 4 2.30 on (iLO 4 had no Redfish before 2.30), RIBCL for
 * iLO 2/3 and older iLO 4 firmware.
 */
export function protocolFor(d: IloDiscovery): IloProtocol {
  if (d.generation === "ilo4") {
    const [major, minor] = (d.firmwareVersion ?? "0.0").split(".").map(Number);
    return (major ?? 0) > 2 || ((major ?? 0) === 2 && (minor ?? 0) >= 30) ? "redfish" : "ribcl";
  }
  return d.generation === "ilo5" || d.generation === "ilo6" || d.generation === "ilo7" ? "redfish" : "ribcl";
}
