/** Env as `homelab-emulator up` and scripts/mariadb/start.sh write it, for the unit tests. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const caFile = join(mkdtempSync(join(tmpdir(), "app-env-ca-")), "ca.pem");
writeFileSync(caFile, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");

export const UP_ENV: Record<string, string> = {
  ONE_XMLRPC: "http://127.0.0.1:2633/RPC2",
  ONE_AUTH: "oneadmin:opennebula",
  CEPH_URL: "http://127.0.0.1:8080",
  CEPH_USERNAME: "admin",
  CEPH_PASSWORD: "Adm1n-Passw0rd!",
  KUBECONFIG: "/run/kubeconfig",
  STORAGE_CLASS: "ceph-rbd",
  INGRESS_CLASS: "nginx",
  INGRESS_HOST: "127.0.0.1",
  INGRESS_HTTPS_PORT: "40443",
  INGRESS_CA_FILE: caFile,
  CERT_MANAGER_CLUSTER_ISSUER: "letsencrypt",
  CLOUDFLARE_ZONE: "example.com",
  MYSQL_HOST_OVERRIDE: "127.0.0.1:33061",
  MYSQL_ADMIN_USER: "root",
  MYSQL_ADMIN_PASSWORD: "s3cret-admin",
};
