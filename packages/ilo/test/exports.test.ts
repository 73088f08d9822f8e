import { readFileSync } from "node:fs";
import * as root from "@homelab-kit/ilo";
import * as redfish from "@homelab-kit/ilo/redfish";
import * as ribcl from "@homelab-kit/ilo/ribcl";
import { describe, expect, it } from "vitest";

const reference = new URL("../../../docs/reference/ilo/samples/", import.meta.url);

describe("subpath exports", () => {
  it("@homelab-kit/ilo/ribcl builds a script and parses a recorded iLO 3 answer", () => {
    const script = ribcl.buildRibclScript("admin", 'p&"w', [
      { section: "SERVER_INFO", mode: "read", name: "GET_HOST_POWER_STATUS" },
    ]);
    expect(script).toContain('PASSWORD="p&#38;&#34;w"');
    const recorded = (name: string) =>
      readFileSync(new URL(`ribcl/ilo3-1.82-bl460c-g7/${name}`, reference), "latin1");
    const answer = ribcl.parseRibclAnswer(recorded("responses/get_host_power_status.xml"));
    expect(ribcl.payloadElement(answer, "GET_HOST_POWER").attrs.HOST_POWER).toMatch(/^(ON|OFF)$/);
    expect(() => ribcl.parseRibclAnswer(recorded("constructed/login-failed.response.xml"))).toThrow(
      ribcl.RibclError,
    );
  });

  it("@homelab-kit/ilo/redfish schemas parse the recorded iLO 5 1.45 system by name", () => {
    const body = JSON.parse(
      readFileSync(
        new URL("redfish/ilo5-1.45-bl460c-gen10/redfish/v1/Systems/1/index.json", reference),
        "utf8",
      ),
    );
    const system = redfish.ComputerSystem.parse(body);
    expect(system.PowerState).toBe("On");
    expect(system.Storage?.["@odata.id"]).toBe("/redfish/v1/Systems/1/Storage/");
    expect(system.Oem?.Hpe?.Links).toMatchObject({
      SmartStorage: { "@odata.id": "/redfish/v1/Systems/1/SmartStorage/" },
    });
    const info = redfish.extendedInfo({
      error: { "@Message.ExtendedInfo": [{ MessageId: "Base.1.0.NoValidSession" }] },
    });
    expect(info[0]?.key).toBe("NoValidSession");
  });

  it("the root re-exports the same bindings, so classes keep one identity", () => {
    expect(root.RibclError).toBe(ribcl.RibclError);
    expect(root.RedfishError).toBe(redfish.RedfishError);
    expect(root.buildRibclScript).toBe(ribcl.buildRibclScript);
    expect(root.redfishSchemas.ComputerSystem).toBe(redfish.ComputerSystem);
  });
});
