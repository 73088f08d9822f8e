/**
 * The default topology: the reference stack of docs/DESIGN.md §1, as YAML (the same format users write;
 * `homelab-emulator topology` prints it to start a file of your own). Kept as text in a module so
 * the built package needs no data files.
 */
export const DEFAULT_TOPOLOGY_YAML = `# homelab-kit reference stack (docs/DESIGN.md §1)
name: reference
hosts:
  - name: node1
    model: ProLiant DL360 G7
    cpu: { sockets: 2, cores: 8, threads: 16 }
    memoryGiB: 36
    power: off
    ip: 192.168.1.11
    ilo:
      generation: ilo3
      users: [{ login: Administrator, password: emulator-ilo }]
    ceph: { osds: 2, osdGiB: 500, mon: true }
  - name: node2
    model: ProLiant DL360 G7
    cpu: { sockets: 2, cores: 8, threads: 16 }
    memoryGiB: 47
    power: off
    ip: 192.168.1.12
    ilo:
      generation: ilo3
      users: [{ login: Administrator, password: emulator-ilo }]
    ceph: { osds: 2, osdGiB: 500, mon: true }
  - name: node3
    model: ProLiant DL360 G7
    cpu: { sockets: 2, cores: 8, threads: 16 }
    memoryGiB: 49
    power: off
    ip: 192.168.1.13
    ilo:
      generation: ilo3
      users: [{ login: Administrator, password: emulator-ilo }]
    ceph: { osds: 2, osdGiB: 500, mon: true }

ceph:
  users: [{ username: admin, password: Adm1n-Passw0rd! }]
  pools:
    # one RBD pool shared by OpenNebula (image datastore) and Kubernetes (StorageClass)
    - { name: rbd, pgNum: 64, applications: [rbd] }

opennebula:
  users: [{ name: oneadmin, password: opennebula }]
  datastores:
    - { name: ceph-images, type: image, driver: ceph, pool: rbd }
    - { name: ceph-system, type: system, driver: ceph, pool: rbd }
  networks:
    - name: lan
      bridge: br0
      range: { ip: 192.168.1.100, size: 50 }
  images:
    - { name: ubuntu-24.04, datastore: ceph-images, sizeMiB: 3584 }
  templates:
    - { name: k8s-node, cpu: 2, vcpu: 4, memoryMiB: 8192, image: ubuntu-24.04, network: lan, role: worker }
    - { name: mysql, cpu: 1, vcpu: 2, memoryMiB: 4096, image: ubuntu-24.04, network: lan }
    - { name: prometheus, cpu: 1, vcpu: 2, memoryMiB: 4096, image: ubuntu-24.04, network: lan }
  vms:
    - { name: mysql, template: mysql, host: node1 }
    - { name: prometheus, template: prometheus, host: node2 }

# the public DNS of the services, at Cloudflare (emulated: API v4 on loopback)
cloudflare:
  account: homelab
  zones:
    - { name: example.com }
  tokens:
    # Zone:Read + DNS:Edit on example.com, as cert-manager's DNS01 solver needs
    - { name: cert-manager, value: emulator-cloudflare-token-0123456789abcdef, zones: [example.com] }

kubernetes:
  provider: binaries
  rbdPool: rbd
  nodes: []
  metallb:
    # LoadBalancer addresses on the LAN, outside OpenNebula's lease range (.100-.149)
    pools:
      - { name: lan, addresses: [192.168.1.240-192.168.1.250] }
  certManager:
    clusterIssuers:
      - { name: letsencrypt, email: admin@example.com, cloudflareToken: cert-manager }
  ingressNginx:
    className: nginx
`;
