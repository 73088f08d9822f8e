/**
 * The topology file format (YAML): what a World is made of. Validated with zod; every field the
 * emulator reads is typed here, unknown keys are refused (a typo must not silently do nothing).
 */
import { z } from "zod";
import { parseAddressRange } from "../kubernetes/standins/ip-pool.js";

const name = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, "a name of letters, digits, '.', '_' or '-' (1-63)");

const iloUser = z.strictObject({
  login: z.string().min(1),
  password: z.string().min(8, "iLO passwords have at least 8 characters"),
  admin: z.boolean().default(true),
});

export const HostSchema = z.strictObject({
  name,
  model: z.string().default("ProLiant DL360 G7"),
  cpu: z
    .strictObject({
      sockets: z.int().min(1).default(2),
      cores: z.int().min(1).describe("cores in all sockets").default(8),
      threads: z.int().min(1).describe("hardware threads in all sockets").default(16),
    })
    .default({ sockets: 2, cores: 8, threads: 16 }),
  memoryGiB: z.number().positive(),
  /** Power at start: the reference stack starts switched off (the demo powers it on). */
  power: z.enum(["on", "off"]).default("on"),
  ip: z.ipv4().optional(),
  ilo: z
    .strictObject({
      generation: z.enum(["ilo3", "ilo4", "ilo5"]).default("ilo3"),
      users: z
        .array(iloUser)
        .min(1)
        .default([{ login: "Administrator", password: "emulator", admin: true }]),
      /** POST duration in ms (default 30 s; iLO's own default). */
      postMs: z.int().min(0).optional(),
      powerOnMs: z.int().min(0).optional(),
    })
    .default({
      generation: "ilo3",
      users: [{ login: "Administrator", password: "emulator", admin: true }],
    }),
  ceph: z
    .strictObject({
      osds: z.int().min(0).default(1),
      osdGiB: z.number().positive().default(10),
      mon: z.boolean().default(false),
    })
    .optional(),
});

const cephPool = z.strictObject({
  name,
  size: z.int().min(1).max(10).optional(),
  pgNum: z.int().min(1).default(32),
  applications: z.array(z.string()).default(["rbd"]),
});

export const CephSchema = z.strictObject({
  users: z
    .array(z.strictObject({ username: z.string().min(1), password: z.string().min(1) }))
    .min(1)
    .default([{ username: "admin", password: "Adm1n-Passw0rd!" }]),
  pools: z.array(cephPool).default([]),
});

const openNebulaTemplate = z.strictObject({
  name,
  cpu: z.number().positive(),
  vcpu: z.int().min(1),
  memoryMiB: z.int().min(1),
  image: name.optional(),
  network: name.optional(),
  /** Kubespray role a VM from this template plays, when any. */
  role: z.enum(["control-plane", "worker", "etcd"]).optional(),
});

export const OpenNebulaSchema = z.strictObject({
  users: z
    .array(z.strictObject({ name: z.string().min(1), password: z.string().min(1) }))
    .min(1)
    .default([{ name: "oneadmin", password: "opennebula" }]),
  datastores: z
    .array(
      z.strictObject({
        name,
        type: z.enum(["image", "system", "file"]),
        driver: z.enum(["ceph", "fs"]).default("ceph"),
        /** The Ceph pool holding the images (ceph driver). */
        pool: name.optional(),
      }),
    )
    .default([]),
  networks: z
    .array(
      z.strictObject({
        name,
        bridge: z.string().default("br0"),
        range: z.strictObject({ ip: z.ipv4(), size: z.int().min(1).max(65_536) }),
      }),
    )
    .default([]),
  images: z
    .array(
      z.strictObject({
        name,
        datastore: name,
        sizeMiB: z.int().min(1),
        persistent: z.boolean().default(false),
      }),
    )
    .default([]),
  templates: z.array(openNebulaTemplate).default([]),
  vms: z.array(z.strictObject({ name, template: name, host: name })).default([]),
});

const dnsName = z
  .string()
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    "a lower-case DNS name such as example.com",
  );

/** The emulated Cloudflare account (API v4): DNS zones and the API tokens scripts and cert-manager use. */
export const CloudflareSchema = z.strictObject({
  /** Account name (its id is derived from it). */
  account: z.string().min(1).default("homelab"),
  zones: z
    .array(
      z.strictObject({
        name: dnsName,
        /** Zone identifier (default: derived from the name). */
        id: z
          .string()
          .regex(/^[0-9a-f]{32}$/, "32 lower-case hex digits")
          .optional(),
      }),
    )
    .min(1, "a cloudflare section needs at least one zone"),
  tokens: z
    .array(
      z.strictObject({
        name,
        /** The secret sent as `Authorization: Bearer <value>`. */
        value: z.string().regex(/^[A-Za-z0-9_-]{16,}$/, "16 or more letters, digits, '_' or '-'"),
        /** Zones the token may read and edit (default: every zone). */
        zones: z.array(dnsName).optional(),
      }),
    )
    .min(1, "a cloudflare section needs at least one API token"),
});

export const KubernetesSchema = z.strictObject({
  /** Who runs the cluster `homelab-emulator up` starts (`binaries` needs no Docker). */
  provider: z.enum(["binaries", "kind", "k3s"]).default("binaries"),
  /** Kubernetes nodes and the OpenNebula VM each runs on. */
  nodes: z
    .array(
      z.strictObject({ name, vm: name, roles: z.array(z.enum(["control-plane", "worker", "etcd"])).min(1) }),
    )
    .default([]),
  /** The StorageClass pool (RBD), shared with OpenNebula. */
  rbdPool: name.optional(),
  /** MetalLB's IPAddressPools (layer 2, one L2Advertisement for all). */
  metallb: z
    .strictObject({
      pools: z
        .array(
          z.strictObject({
            name,
            /** `192.168.1.240/28`, `192.168.1.240-192.168.1.250` or one address. */
            addresses: z.array(z.string().min(1)).min(1),
            autoAssign: z.boolean().default(true),
          }),
        )
        .default([]),
    })
    .optional(),
  /** cert-manager's ClusterIssuers: ACME with the Cloudflare DNS01 solver of the emulated account. */
  certManager: z
    .strictObject({
      clusterIssuers: z
        .array(
          z.strictObject({
            name,
            email: z.email(),
            server: z.url({ protocol: /^https$/ }).default("https://acme-v02.api.letsencrypt.org/directory"),
            /** The `cloudflare.tokens` entry the DNS01 solver uses (put in a Secret in `cert-manager`). */
            cloudflareToken: name,
          }),
        )
        .default([]),
    })
    .optional(),
  /** The NGINX ingress controller: its IngressClass, its LoadBalancer Service and loopback listener. */
  ingressNginx: z
    .strictObject({
      className: name.default("nginx"),
      /** Also the cluster's default IngressClass. */
      default: z.boolean().default(false),
    })
    .optional(),
});

export const TopologySchema = z
  .strictObject({
    name: z.string().default("custom"),
    hosts: z.array(HostSchema).min(1, "a topology needs at least one host"),
    ceph: CephSchema.optional(),
    opennebula: OpenNebulaSchema.optional(),
    cloudflare: CloudflareSchema.optional(),
    kubernetes: KubernetesSchema.optional(),
  })
  .superRefine((topology, ctx) => crossReferences(topology, ctx));

export type Topology = z.infer<typeof TopologySchema>;
export type TopologyInput = z.input<typeof TopologySchema>;
export type HostSpec = Topology["hosts"][number];

/** Names must be unique and references must point at something that exists. */
function crossReferences(t: z.infer<typeof TopologySchema>, ctx: z.RefinementCtx): void {
  const unique = (items: Array<{ name: string }>, path: (string | number)[]) => {
    const seen = new Set<string>();
    items.forEach((item, i) => {
      if (seen.has(item.name))
        ctx.addIssue({
          code: "custom",
          path: [...path, i, "name"],
          message: `duplicate name "${item.name}"`,
        });
      seen.add(item.name);
    });
    return seen;
  };
  const refers = (value: string | undefined, known: Set<string>, path: (string | number)[], what: string) => {
    if (value !== undefined && !known.has(value))
      ctx.addIssue({
        code: "custom",
        path,
        message: `unknown ${what} "${value}" (known: ${[...known].join(", ") || "none"})`,
      });
  };
  const hosts = unique(t.hosts, ["hosts"]);
  const pools = unique(t.ceph?.pools ?? [], ["ceph", "pools"]);
  const hasCephHosts = t.hosts.some((h) => h.ceph !== undefined && h.ceph.osds > 0);
  if (t.ceph !== undefined && !hasCephHosts)
    ctx.addIssue({
      code: "custom",
      path: ["hosts"],
      message: "a ceph section needs at least one host with ceph.osds > 0",
    });
  const one = t.opennebula;
  if (one !== undefined) {
    const datastores = unique(one.datastores, ["opennebula", "datastores"]);
    const networks = unique(one.networks, ["opennebula", "networks"]);
    const images = unique(one.images, ["opennebula", "images"]);
    const templates = unique(one.templates, ["opennebula", "templates"]);
    unique(one.vms, ["opennebula", "vms"]);
    one.datastores.forEach((ds, i) => {
      if (ds.driver === "ceph") {
        if (ds.pool === undefined)
          ctx.addIssue({
            code: "custom",
            path: ["opennebula", "datastores", i, "pool"],
            message: "a ceph datastore needs a pool",
          });
        refers(ds.pool, pools, ["opennebula", "datastores", i, "pool"], "Ceph pool");
      }
    });
    one.images.forEach((im, i) => {
      refers(im.datastore, datastores, ["opennebula", "images", i, "datastore"], "datastore");
    });
    one.templates.forEach((tp, i) => {
      refers(tp.image, images, ["opennebula", "templates", i, "image"], "image");
      refers(tp.network, networks, ["opennebula", "templates", i, "network"], "network");
    });
    one.vms.forEach((vm, i) => {
      refers(vm.template, templates, ["opennebula", "vms", i, "template"], "template");
      refers(vm.host, hosts, ["opennebula", "vms", i, "host"], "host");
    });
    capacity(t, ctx);
  }
  const k8s = t.kubernetes;
  if (k8s !== undefined) {
    unique(k8s.nodes, ["kubernetes", "nodes"]);
    const vms = new Set(one?.vms.map((v) => v.name) ?? []);
    k8s.nodes.forEach((node, i) => {
      refers(node.vm, vms, ["kubernetes", "nodes", i, "vm"], "OpenNebula VM");
    });
    refers(k8s.rbdPool, pools, ["kubernetes", "rbdPool"], "Ceph pool");
    unique(k8s.metallb?.pools ?? [], ["kubernetes", "metallb", "pools"]);
    k8s.metallb?.pools.forEach((pool, i) => {
      pool.addresses.forEach((address, j) => {
        try {
          parseAddressRange(address);
        } catch (error) {
          ctx.addIssue({
            code: "custom",
            path: ["kubernetes", "metallb", "pools", i, "addresses", j],
            message: (error as Error).message,
          });
        }
      });
    });
    const tokens = new Set(t.cloudflare?.tokens.map((tk) => tk.name) ?? []);
    unique(k8s.certManager?.clusterIssuers ?? [], ["kubernetes", "certManager", "clusterIssuers"]);
    k8s.certManager?.clusterIssuers.forEach((issuer, i) => {
      refers(
        issuer.cloudflareToken,
        tokens,
        ["kubernetes", "certManager", "clusterIssuers", i, "cloudflareToken"],
        "Cloudflare token",
      );
    });
  }
  const cf = t.cloudflare;
  if (cf !== undefined) {
    const zones = new Set(cf.zones.map((z) => z.name));
    if (zones.size !== cf.zones.length)
      ctx.addIssue({ code: "custom", path: ["cloudflare", "zones"], message: "duplicate zone name" });
    unique(cf.tokens, ["cloudflare", "tokens"]);
    const values = new Set(cf.tokens.map((tk) => tk.value));
    if (values.size !== cf.tokens.length)
      ctx.addIssue({
        code: "custom",
        path: ["cloudflare", "tokens"],
        message: "two tokens have the same value",
      });
    cf.tokens.forEach((token, i) => {
      token.zones?.forEach((zone, j) => {
        refers(zone, zones, ["cloudflare", "tokens", i, "zones", j], "Cloudflare zone");
      });
    });
  }
}

/** VM memory and CPU count against the host's real figures, as OpenNebula's scheduler does. */
function capacity(t: z.infer<typeof TopologySchema>, ctx: z.RefinementCtx): void {
  const one = t.opennebula;
  if (one === undefined) return;
  const templates = new Map(one.templates.map((tp) => [tp.name, tp]));
  const used = new Map<string, { memoryMiB: number; cpu: number }>();
  one.vms.forEach((vm, i) => {
    const tp = templates.get(vm.template);
    const host = t.hosts.find((h) => h.name === vm.host);
    if (tp === undefined || host === undefined) return;
    const sum = used.get(vm.host) ?? { memoryMiB: 0, cpu: 0 };
    sum.memoryMiB += tp.memoryMiB;
    sum.cpu += tp.cpu;
    used.set(vm.host, sum);
    if (sum.memoryMiB > host.memoryGiB * 1024)
      ctx.addIssue({
        code: "custom",
        path: ["opennebula", "vms", i, "host"],
        message: `host "${host.name}" has ${host.memoryGiB} GiB; its VMs would need ${sum.memoryMiB} MiB`,
      });
    if (sum.cpu > host.cpu.threads)
      ctx.addIssue({
        code: "custom",
        path: ["opennebula", "vms", i, "host"],
        message: `host "${host.name}" has ${host.cpu.threads} threads; its VMs would need CPU ${sum.cpu}`,
      });
  });
}
