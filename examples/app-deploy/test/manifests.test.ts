import type { V1Deployment, V1Ingress, V1PersistentVolumeClaim, V1Secret } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { differences } from "../src/kubernetes.js";
import { appManifests, fromSecret, MANAGED_BY, objectNames } from "../src/manifests.js";

const input = {
  app: "redmine",
  namespace: "redmine",
  host: "redmine.example.com",
  image: "redmine:6.0",
  containerPort: 3000,
  dataPath: "/usr/src/redmine/files",
  storage: "2Gi",
  storageClass: "ceph-rbd",
  ingressClass: "nginx",
  clusterIssuer: "letsencrypt",
  readinessPath: "/",
  secret: { host: "192.168.1.100", password: "pw" },
  env: [fromSecret("REDMINE_DB_PASSWORD", "redmine-db", "password")],
};

describe("app manifests", () => {
  it("are the reference stack's objects, in apply order, labelled as ours", () => {
    const objects = appManifests(input);
    expect(objects.map((o) => `${o.kind}/${o.metadata?.name}`)).toEqual([
      "Namespace/redmine",
      "Secret/redmine-db",
      "PersistentVolumeClaim/redmine-data",
      "Deployment/redmine",
      "Service/redmine",
      "Ingress/redmine",
    ]);
    for (const o of objects) expect(o.metadata?.labels?.["app.kubernetes.io/managed-by"]).toBe(MANAGED_BY);
    const secret = objects[1] as V1Secret;
    expect(Buffer.from(secret.data?.password ?? "", "base64").toString()).toBe("pw");
    const pvc = objects[2] as V1PersistentVolumeClaim;
    expect(pvc.spec).toMatchObject({
      storageClassName: "ceph-rbd",
      resources: { requests: { storage: "2Gi" } },
    });
    const deployment = objects[3] as V1Deployment;
    const pod = deployment.spec?.template.spec;
    expect(pod?.volumes).toEqual([{ name: "data", persistentVolumeClaim: { claimName: "redmine-data" } }]);
    expect(pod?.containers[0]?.env).toEqual([
      { name: "REDMINE_DB_PASSWORD", valueFrom: { secretKeyRef: { name: "redmine-db", key: "password" } } },
    ]);
    expect(deployment.spec?.strategy).toEqual({ type: "Recreate" });
    const ingress = objects[5] as V1Ingress;
    expect(ingress.metadata?.annotations).toEqual({ "cert-manager.io/cluster-issuer": "letsencrypt" });
    expect(ingress.spec?.ingressClassName).toBe("nginx");
    expect(ingress.spec?.tls).toEqual([
      { hosts: ["redmine.example.com"], secretName: objectNames("redmine").tlsSecret },
    ]);
  });
});

describe("differences (what a plan compares)", () => {
  it("accepts what the server adds, and names what differs", () => {
    const wanted = { spec: { replicas: 1, ports: [{ name: "http", port: 80 }], labels: { a: "1" } } };
    const live = {
      spec: {
        replicas: 1,
        ports: [{ name: "http", port: 80, protocol: "TCP" }],
        labels: { a: "1", b: "2" },
        extra: true,
      },
      status: {},
    };
    expect(differences(wanted, live)).toEqual([]);
    expect(differences({ spec: { replicas: 2 } }, live)).toEqual(["spec.replicas"]);
    expect(differences({ spec: { ports: [{ port: 80 }, { port: 81 }] } }, live)).toEqual(["spec.ports"]);
    expect(
      differences(
        { spec: { env: [{ name: "x", value: "1" }] } },
        { spec: { env: [{ name: "x", value: "2" }] } },
      ),
    ).toEqual(["spec.env[0].value"]);
    expect(differences({ data: { k: "v" } }, {})).toEqual(["data"]);
  });
});
