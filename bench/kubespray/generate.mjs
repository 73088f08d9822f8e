// Generates a Kubespray-style inventory of N hosts (default 5,000) as INI and YAML, same content, and
// (`anchors: true`) a YAML variant written as people write shared settings: anchors, aliases, merge
// keys (`<<: *node_defaults` on every host) and literal/folded block scalars.
// Usage: node bench/kubespray/generate.mjs [N] [OUTDIR]
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export function generate(n = 5000, { anchors = false } = {}) {
  const hosts = [];
  for (let i = 1; i <= n; i++) {
    const a = 10 + Math.floor(i / 65536);
    const b = Math.floor(i / 256) % 256;
    const c = i % 256;
    hosts.push({
      name: `node${String(i).padStart(4, "0")}`,
      vars: {
        ansible_host: `192.168.${b}.${c}`,
        ip: `${a}.10.${b}.${c}`,
        access_ip: `192.168.${b}.${c}`,
        ...(i <= 3 ? { etcd_member_name: `etcd${i}` } : {}),
        ...(i % 10 === 0 ? { node_labels: { "topology.kubernetes.io/zone": `zone-${i % 3}` } } : {}),
      },
    });
  }
  const racks = 50;
  const rackOf = (i) => `rack${String(i % racks).padStart(2, "0")}`;
  const cp = hosts.slice(0, 3).map((h) => h.name);
  const workers = hosts.slice(3).map((h) => h.name);

  const ini = [];
  ini.push("# generated Kubespray-style inventory");
  for (const h of hosts)
    ini.push(
      [
        h.name,
        ...Object.entries(h.vars).map(
          ([k, v]) => `${k}=${typeof v === "string" ? v : `"${JSON.stringify(v).replaceAll('"', "'")}"`}`,
        ),
      ].join(" "),
    );
  ini.push("", "[kube_control_plane]", ...cp, "", "[etcd]", ...cp, "", "[kube_node]", ...workers);
  ini.push("", "[calico_rr]", "", "[k8s_cluster:children]", "kube_control_plane", "kube_node", "calico_rr");
  for (let r = 0; r < racks; r++) {
    const name = `rack${String(r).padStart(2, "0")}`;
    ini.push("", `[${name}]`, ...hosts.filter((_, i) => rackOf(i) === name).map((h) => h.name));
    ini.push("", `[${name}:vars]`, `rack_id=${r}`, `rack_name="${name}"`);
  }
  ini.push(
    "",
    "[all:vars]",
    "ansible_user=ubuntu",
    "ansible_become=True",
    "kube_version=1.35.4",
    "kube_proxy_strict_arp=True",
    "metallb_enabled=True",
  );
  ini.push(`metallb_config={'address_pools': {'primary': {'ip_range': ['192.168.250.10-192.168.250.250']}}}`);

  const y = [];
  y.push(
    "# generated Kubespray-style inventory",
    "all:",
    "  vars:",
    "    ansible_user: ubuntu",
    "    ansible_become: true",
    '    kube_version: "1.35.4"',
    "    kube_proxy_strict_arp: true",
    "    metallb_enabled: true",
    "    metallb_config:",
    "      address_pools:",
    "        primary:",
    "          ip_range:",
    "            - 192.168.250.10-192.168.250.250",
    "  hosts:",
  );
  for (const h of hosts) {
    y.push(`    ${h.name}:`);
    for (const [k, v] of Object.entries(h.vars)) {
      if (typeof v === "string") y.push(`      ${k}: ${v}`);
      else {
        y.push(`      ${k}:`);
        for (const [k2, v2] of Object.entries(v)) y.push(`        ${k2}: ${v2}`);
      }
    }
  }
  y.push("  children:", "    kube_control_plane:", "      hosts:", ...cp.map((h) => `        ${h}:`));
  y.push("    etcd:", "      hosts:", ...cp.map((h) => `        ${h}:`));
  yamlWorkerGroups(y, hosts, workers, racks, rackOf);
  return {
    ini: `${ini.join("\n")}\n`,
    yaml: `${(anchors ? anchoredYaml(hosts, cp, workers, racks, rackOf) : y).join("\n")}\n`,
  };
}

/** The same inventory with shared settings written once and referred to: the hard case for a YAML reader. */
function anchoredYaml(hosts, cp, workers, racks, rackOf) {
  const y = [
    "# generated Kubespray-style inventory: anchors, merge keys, block scalars",
    "all:",
    "  vars:",
    "    ansible_user: ubuntu",
    "    ansible_become: true",
    '    kube_version: "1.35.4"',
    "    node_defaults: &node_defaults",
    "      ansible_python_interpreter: /usr/bin/python3",
    "      kubelet_max_pods: 110",
    "    ssh_banner: |",
    "      Authorized access only.",
    "      # this line is text, not a comment",
    "",
    "      Disconnect now if you are not an operator.",
    "    kubelet_custom_flags_note: >-",
    "      flags are folded",
    "      into one line",
    "    metallb_config: &metallb",
    "      address_pools:",
    "        primary:",
    "          ip_range:",
    "            - 192.168.250.10-192.168.250.250",
    "  hosts:",
  ];
  const zones = new Set();
  for (const [i, h] of hosts.entries()) {
    y.push(`    ${h.name}:`, "      <<: *node_defaults");
    for (const [k, v] of Object.entries(h.vars)) {
      if (typeof v === "string") y.push(`      ${k}: ${v}`);
      else {
        const zone = v["topology.kubernetes.io/zone"];
        if (zones.has(zone)) y.push(`      ${k}: *${zone}`);
        else {
          zones.add(zone);
          y.push(`      ${k}: &${zone}`, `        topology.kubernetes.io/zone: ${zone}`);
        }
      }
    }
    if (i % 100 === 0) y.push("      motd: |-", `        ${h.name}`, "        managed by kubespray");
  }
  y.push(
    "  children:",
    "    kube_control_plane:",
    "      hosts: &control_plane",
    ...cp.map((h) => `        ${h}:`),
  );
  y.push("    etcd:", "      hosts:", "        <<: *control_plane");
  yamlWorkerGroups(y, hosts, workers, racks, rackOf);
  return y;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] ?? 5000);
  const dir = process.argv[3] ?? ".";
  mkdirSync(dir, { recursive: true });
  const { ini, yaml } = generate(n);
  writeFileSync(join(dir, "inv.ini"), ini);
  writeFileSync(join(dir, "inv.yaml"), yaml);
  writeFileSync(join(dir, "inv-anchors.yaml"), generate(n, { anchors: true }).yaml);
  console.log(
    `wrote ${join(dir, "inv.ini")} (${ini.length} B) and ${join(dir, "inv.yaml")} (${yaml.length} B)`,
  );
}

/** The YAML groups both variants write alike: kube_node, calico_rr, k8s_cluster and the racks. */
function yamlWorkerGroups(y, hosts, workers, racks, rackOf) {
  y.push("    kube_node:", "      hosts:", ...workers.map((h) => `        ${h}:`));
  y.push(
    "    calico_rr:",
    "      hosts: {}",
    "    k8s_cluster:",
    "      children:",
    "        kube_control_plane:",
    "        kube_node:",
    "        calico_rr:",
  );
  for (let r = 0; r < racks; r++) {
    const name = `rack${String(r).padStart(2, "0")}`;
    y.push(
      `    ${name}:`,
      "      vars:",
      `        rack_id: ${r}`,
      `        rack_name: ${name}`,
      "      hosts:",
    );
    y.push(...hosts.filter((_, i) => rackOf(i) === name).map((h) => `        ${h.name}:`));
  }
}
