// The benchmark input as the OpenNebula emulator produces it: a front end with 100 hosts runs
// 10,000 VMs instantiated from production-like templates (two disks, a context with keys and
// scripts, graphics, OS/features, a user template with labels and scheduling hints; every third VM
// has a second NIC), seven in ten RUNNING, two POWEROFF, one HOLD, and the bytes are the emulator's own answer to `one.vmpool.infoextended` (the HTTP
// body it serves on POST /RPC2). The pool document is that answer's string, unescaped.
// Needs a built emulator: pnpm --filter @homelab-kit/emulator build

import { emulatorCaller } from "../../conformance/opennebula/call.mjs";
import {
  answerXmlRpc,
  createOpenNebulaState,
  manualClock,
} from "../../packages/emulator/dist/opennebula/index.js";

function caller(state) {
  const invoke = emulatorCaller(answerXmlRpc, state);
  return (method, ...params) => invoke(method, params);
}

const SSH_KEYS = [
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHq5oQ8m9xZf3wH2kVw0pT1sYb7cE4nR6uJ8aL2dK0fG ops@bastion",
  "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQC7x9Kp2mW4qL8vN1rT6yH3jF5sD0aZ9cB2eG7uI4oP1kM8nQ3wE6tY5rU2iO9pA4sD7fG1hJ0kL3zX6cV9bN2mQ8wE5rT1yU4iO7pA0sD3fG6hJ9kL2zX5cV8bN1mQ7wE4rT0yU3iO6pA9sD2fG5hJ8kL1zX4cV7bN0mQ6wE3rT9yU2iO5pA8sD1fG4hJ7kL0zX3cV6bN9mQ5wE2rT8yU1iO4pA7sD0fG3hJ6kL9zX2cV5bN8mQ4wE1rT7yU0iO3pA6sD9fG2hJ5kL8zX1cV4bN7mQ3wE0rT6yU9iO2pA5sD8fG1hJ4kL7zX0cV3bN6mQ2wE9rT5yU8iO1pA4sD7fG0hJ3kL6zX9cV2bN5mQ1wE8rT4yU7iO0pA3sD6fG9hJ2kL5zX8cV1bN4mQ0wE7rT3yU6iO9pA2sD5fG8hJ1kL4zX7c= admin@workstation",
].join("\n");

/** Text in the languages people write their notes in: what makes a pool document UTF-8-heavy. */
const NOTES = [
  "Frontend des Team-Blogs – Größe: klein, Ansprechpartner: Jürgen Müller (Bereitschaft: Änderungen nur nach Rücksprache)",
  "ブログのフロントエンド。担当：プラットフォームチーム。変更する前に運用チームに連絡してください。",
  "Фронтенд блога команды. Ответственный: Пётр Иванов; изменения только после согласования с дежурным.",
  "Équipe plateforme — serveur de façade, redémarrage autorisé le week-end ; contact : Zoë Løvås (ØST-2).",
].join(" ");

function templateText(nics, utf8 = false) {
  return [
    ...(utf8 ? [`NOTES="${NOTES}"`, 'OWNER_NAME="Jürgen Müller – 運用チーム"'] : []),
    `NAME="web-${nics}-nic"`,
    'CPU="1"',
    'VCPU="2"',
    'MEMORY="2048"',
    'DISK=[IMAGE_ID="0", DEV_PREFIX="vd", CACHE="none", DISCARD="unmap", IO="native"]',
    'DISK=[TYPE="fs", SIZE="10240", FORMAT="raw", DEV_PREFIX="vd", CACHE="none"]',
    ...Array.from({ length: nics }, (_, i) =>
      i === 0
        ? 'NIC=[NETWORK="apps", MODEL="virtio", FILTER_IP_SPOOFING="YES", FILTER_MAC_SPOOFING="YES"]'
        : 'NIC=[NETWORK="storage", MODEL="virtio"]',
    ),
    `CONTEXT=[NETWORK="YES", SSH_PUBLIC_KEY="${SSH_KEYS}", SET_HOSTNAME="$NAME", TOKEN="YES", REPORT_READY="YES", USERNAME="ubuntu", USERNAME_SUDO="YES", TIMEZONE="Europe/Berlin", GROW_FS="/", START_SCRIPT_BASE64="IyEvYmluL2Jhc2gKc2V0IC1ldSAtbyBwaXBlZmFpbAphcHQtZ2V0IHVwZGF0ZSAmJiBhcHQtZ2V0IGluc3RhbGwgLXkgbmdpbnggcHJvbWV0aGV1cy1ub2RlLWV4cG9ydGVyCnN5c3RlbWN0bCBlbmFibGUgLS1ub3cgbmdpbngKZWNobyAicmVhZHkiID4gL3Zhci9saWIvb25lLWNvbnRleHQvcmVhZHkK", ONEAPP_SITE_TITLE="Team blog", ONEAPP_DB_HOST="10.0.20.5", ONEAPP_DB_NAME="blog", ONEAPP_DB_USER="blog", ONEAPP_ADMIN_EMAIL="ops@example.org", FILES_DS="$FILE[IMAGE_ID=3]", INIT_SCRIPTS="init.sh configure.sh"]`,
    'GRAPHICS=[TYPE="VNC", LISTEN="0.0.0.0", RANDOM_PASSWD="YES", KEYMAP="de"]',
    'OS=[ARCH="x86_64", FIRMWARE="UEFI", FIRMWARE_SECURE="YES", MACHINE="q35", BOOT="disk0,nic0"]',
    'FEATURES=[ACPI="yes", APIC="yes", GUEST_AGENT="yes", VIRTIO_SCSI_QUEUES="auto", IOTHREADS="2"]',
    'CPU_MODEL=[MODEL="host-passthrough"]',
    'INPUT=[TYPE="tablet", BUS="usb"]',
    'RAW=[TYPE="kvm", DATA="<devices><serial type=\\"pty\\"><target port=\\"0\\"/></serial></devices>"]',
    'DESCRIPTION="Frontend of the team blog (nginx + php-fpm), managed by Ansible; owner: platform team, on call: #ops"',
    'LABELS="prod,web,blog,team/platform"',
    'LOGO="images/logos/ubuntu.png"',
    'HYPERVISOR="kvm"',
    'INPUTS_ORDER=""',
    'MEMORY_UNIT_COST="MB"',
    'SCHED_REQUIREMENTS="HYPERVISOR=\\"kvm\\" & CLUSTER_ID=\\"0\\""',
    'SCHED_DS_REQUIREMENTS="ID=\\"0\\""',
    'BACKUP_CONFIG=[BACKUP_VOLATILE="NO", FS_FREEZE="AGENT", KEEP_LAST="7", MODE="INCREMENT"]',
  ].join("\n");
}

/**
 * Runs the scenario and returns `{ envelope, pool }` (strings) for `count` VMs; with `utf8`, every
 * template (and so every VM) carries notes in German, Japanese, Russian and French, and VM names
 * have non-ASCII characters: about a tenth of the bytes are multi-byte UTF-8.
 */
export function emulatorInput(count = 10_000, { utf8 = false } = {}) {
  const clock = manualClock(1_764_000_000_000);
  const hosts = Array.from({ length: Math.max(3, Math.ceil(count / 100)) }, (_, i) => ({
    name: `kvm${String(i + 1).padStart(3, "0")}`,
    threads: 128,
    memoryGb: 512,
  }));
  const state = createOpenNebulaState({ clock, hosts });
  const call = caller(state);
  const size = String(count + 100);
  call(
    "one.vn.allocate",
    `NAME="apps"\nVN_MAD="bridge"\nBRIDGE="br0"\nAR=[TYPE="IP4", IP="10.1.0.10", SIZE="${size}"]`,
    -1,
  );
  call(
    "one.vn.allocate",
    `NAME="storage"\nVN_MAD="bridge"\nBRIDGE="br1"\nAR=[TYPE="IP4", IP="10.2.0.10", SIZE="${size}"]`,
    -1,
  );
  const one = call("one.template.allocate", templateText(1, utf8)).value;
  const two = call("one.template.allocate", templateText(2, utf8)).value;
  const ids = [];
  for (let i = 0; i < count; i++) {
    const id = call(
      "one.template.instantiate",
      i % 3 === 0 ? two : one,
      utf8 ? `vm-${i} & Café Zürich 東京` : `vm-${i} & co`,
      i % 10 === 9,
      "",
      false,
    ).value;
    ids.push(id);
  }
  clock.advance(60_000);
  for (let i = 0; i < count; i++) if (i % 10 === 6 || i % 10 === 7) call("one.vm.action", "poweroff", ids[i]);
  clock.advance(60_000);
  const { out: envelope, value: pool } = call("one.vmpool.infoextended", -2, -1, -1, -1);
  return { envelope, pool };
}
