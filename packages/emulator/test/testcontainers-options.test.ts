/**
 * `@homelab-kit/emulator/testcontainers` before any container starts (no Docker needed): ports of a
 * topology, option checks, the default image's tag. conformance/docker/ starts real containers.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  CONTAINER_PORTS,
  containerPorts,
  HOMELAB_EMULATOR_IMAGE,
  HomelabEmulatorContainer,
  loopbackDockerHost,
} from "@homelab-kit/emulator/testcontainers";
import { defaultTopology, parseTopology, TopologyError } from "@homelab-kit/emulator/world";
import { describe, expect, it } from "vitest";

describe("HomelabEmulatorContainer options", () => {
  it("publishes control, Ceph and OpenNebula when the topology has them, and one iLO port per host", () => {
    expect(containerPorts(defaultTopology())).toEqual({
      control: 8080,
      ceph: 8081,
      opennebula: 8082,
      ilo: [8083, 8084, 8085],
      cloudflare: 8086,
      metrics: { cephMgr: 9100, iloExporter: 9101, node: [9102, 9103, 9104] },
      all: [8080, 8081, 8082, 8083, 8084, 8085, 8086, 9100, 9101, 9102, 9103, 9104],
    });
    const bare = parseTopology({
      hosts: [
        { name: "a", memoryGiB: 1 },
        { name: "b", memoryGiB: 1 },
      ],
    });
    expect(containerPorts(bare)).toEqual({
      control: CONTAINER_PORTS.control,
      ceph: undefined,
      opennebula: undefined,
      ilo: [8083, 8084],
      cloudflare: undefined,
      metrics: { cephMgr: undefined, iloExporter: 9101, node: [9102, 9103] },
      all: [8080, 8083, 8084, 9101, 9102, 9103],
    });
  });

  it("the default image is the tag build-image.sh gives: this package's version", () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, "../package.json"), "utf8")) as {
      version: string;
    };
    expect(HOMELAB_EMULATOR_IMAGE).toBe(`homelab-kit/emulator:${pkg.version}`);
    expect(readFileSync(join(import.meta.dirname, "../container/Dockerfile"), "utf8")).toContain(
      `"--port", "${CONTAINER_PORTS.control}", "--metrics-port", "${CONTAINER_PORTS.cephMgrMetrics}", "--no-kubernetes"`,
    );
  });

  it("refuses a bad topology, speed or token before starting anything", () => {
    const container = new HomelabEmulatorContainer("homelab-kit/emulator:test");
    expect(() => container.withTopology({ hosts: [] })).toThrow(TopologyError);
    expect(() => container.withTopology({ hosts: [] })).toThrow(/withTopology\(\)/);
    expect(() => container.withTopology("/nonexistent/topology.yaml")).toThrow(/cannot read the file/);
    expect(() => container.withSpeed(0)).toThrow(RangeError);
    expect(() => container.withSpeed(Number.NaN)).toThrow(RangeError);
    expect(() => container.withControlToken("short")).toThrow(/16-256 visible ASCII/);
    expect(() => container.withControlToken("has a space in the token")).toThrow(RangeError);
    expect(container.withSpeed(60).withControlToken("a-long-enough-token-1234")).toBe(container);
  });
  it("reaches the ports on loopback only, and says what to set where testcontainers picked another host", () => {
    expect(loopbackDockerHost("localhost")).toBe("127.0.0.1");
    expect(loopbackDockerHost("127.0.0.1")).toBe("127.0.0.1");
    expect(loopbackDockerHost("::1")).toBe("127.0.0.1");
    expect(() => loopbackDockerHost("172.17.0.1")).toThrow(
      /at 172\.17\.0\.1.*TESTCONTAINERS_HOST_OVERRIDE=127\.0\.0\.1/,
    );
    expect(() => loopbackDockerHost("docker.example")).toThrow(/published on 127\.0\.0\.1 only/);
  });
});
