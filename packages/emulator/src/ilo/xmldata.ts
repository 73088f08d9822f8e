import { escapeXml } from "./ribcl-xml.js";
import type { IloState } from "./state.js";

const PRODUCT: Record<IloState["generation"], string> = {
  ilo3: "Integrated Lights-Out 3 (iLO 3)",
  ilo4: "Integrated Lights-Out 4 (iLO 4)",
  ilo5: "Integrated Lights-Out 5 (iLO 5)",
};

/** The unauthenticated `GET /xmldata?item=all` document discovery tools read (samples/ribcl xmldata.raw). */
export function xmldataDocument(state: IloState): string {
  const id = state.identity;
  const e = escapeXml;
  return (
    "<RIMP>\n<HSI>\n" +
    `<SBSN>${e(id.serialNumber)}</SBSN>\n<SPN>${e(id.productName)}</SPN>\n<UUID>${e(id.uuid)}</UUID>\n<SP>1</SP>\n` +
    `<cUUID>${e(id.uuid)}</cUUID>\n</HSI>\n<MP>\n<ST>1</ST>\n<PN>${PRODUCT[state.generation]}</PN>\n` +
    `<FWRI>${e(id.firmwareVersion)}</FWRI>\n<HWRI>ASIC: 12</HWRI>\n<SN>ILO${e(id.serialNumber)}</SN>\n` +
    `<UUID>ILO${e(id.uuid)}</UUID>\n<IPM>1</IPM>\n<SSO>0</SSO>\n<PWRM>1.6</PWRM>\n</MP>\n</RIMP>\n`
  );
}
