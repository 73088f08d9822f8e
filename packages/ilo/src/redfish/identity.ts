/** What the host is (`product()`) and its UID light, from the system resource. */
import type { IloBackend } from "../types.js";
import type { RedfishContext } from "./context.js";
import { ComputerSystem } from "./schemas.js";

export function redfishIdentity({ nav, patchWithEtag }: RedfishContext): Pick<IloBackend, "product" | "uid"> {
  const system = nav.system;
  return {
    async product(call) {
      const { body } = await system(call);
      return {
        productName: body.Model ?? "",
        serialNumber: body.SerialNumber?.trim() || undefined,
        uuid: body.UUID ?? undefined,
      };
    },
    uid: {
      async get(call) {
        const { body } = await system(call);
        if (body.IndicatorLED == null && typeof body.LocationIndicatorActive === "boolean")
          return body.LocationIndicatorActive;
        const led = body.IndicatorLED;
        return led !== undefined && led !== null && led !== "Off";
      },
      async set(on, call) {
        const { url, body } = await system(call);
        // DMTF deprecated IndicatorLED for LocationIndicatorActive: write the one the system has.
        const patch =
          body.IndicatorLED == null && typeof body.LocationIndicatorActive === "boolean"
            ? { LocationIndicatorActive: on }
            : { IndicatorLED: on ? "Lit" : "Off" };
        await patchWithEtag(url, ComputerSystem, patch, call);
      },
    },
  };
}
