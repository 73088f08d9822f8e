/**
 * The Kubernetes objects of one app, as the reference stack runs it: a Namespace, a Secret with the
 * database credentials, a PVC on the Ceph RBD StorageClass, a Deployment (env from the Secret, the
 * volume mounted), a Service, and an Ingress of class nginx with TLS from the cert-manager
 * ClusterIssuer annotation. Plain objects, in apply order.
 */
import type {
  KubernetesObject,
  V1Deployment,
  V1EnvVar,
  V1Ingress,
  V1Namespace,
  V1PersistentVolumeClaim,
  V1Secret,
  V1Service,
} from "@kubernetes/client-node";

export const MANAGED_BY = "homelab-kit-examples";

export interface AppManifestInput {
  /** App name: the namespace, the objects' names and the `app.kubernetes.io/name` label. */
  app: string;
  namespace: string;
  host: string;
  image: string;
  containerPort: number;
  /** Where the PVC is mounted in the container. */
  dataPath: string;
  /** PVC size, a Kubernetes quantity ("2Gi"). */
  storage: string;
  storageClass: string;
  ingressClass: string;
  clusterIssuer: string;
  /** The Secret's content (plain text; stored base64 as `data`). */
  secret: Record<string, string>;
  /** The container's env (use `fromSecret` for the Secret's keys). */
  env: V1EnvVar[];
  /** HTTP path of the readiness probe. */
  readinessPath: string;
}

export interface AppObjectNames {
  namespace: string;
  secret: string;
  pvc: string;
  deployment: string;
  service: string;
  ingress: string;
  /** The TLS Secret, which is also the Certificate's name (cert-manager's ingress-shim). */
  tlsSecret: string;
}

export function objectNames(app: string, namespace = app): AppObjectNames {
  return {
    namespace,
    secret: `${app}-db`,
    pvc: `${app}-data`,
    deployment: app,
    service: app,
    ingress: app,
    tlsSecret: `${app}-tls`,
  };
}

/** An env var taken from the app's Secret. */
export function fromSecret(name: string, secret: string, key: string): V1EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: secret, key } } };
}

export function appManifests(input: AppManifestInput): KubernetesObject[] {
  const names = objectNames(input.app, input.namespace);
  const labels = { "app.kubernetes.io/name": input.app, "app.kubernetes.io/managed-by": MANAGED_BY };
  const meta = (name: string) => ({ name, namespace: names.namespace, labels });
  const namespace: V1Namespace = {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: names.namespace, labels },
  };
  const secret: V1Secret = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: meta(names.secret),
    type: "Opaque",
    data: Object.fromEntries(
      Object.entries(input.secret).map(([key, value]) => [
        key,
        Buffer.from(value, "utf8").toString("base64"),
      ]),
    ),
  };
  const pvc: V1PersistentVolumeClaim = {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: meta(names.pvc),
    spec: {
      accessModes: ["ReadWriteOnce"],
      storageClassName: input.storageClass,
      resources: { requests: { storage: input.storage } },
    },
  };
  const selector = { "app.kubernetes.io/name": input.app };
  const deployment: V1Deployment = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: meta(names.deployment),
    spec: {
      replicas: 1,
      // one RBD volume, ReadWriteOnce: the old pod goes before the new one mounts it
      strategy: { type: "Recreate" },
      selector: { matchLabels: selector },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: input.app,
              image: input.image,
              ports: [{ name: "http", containerPort: input.containerPort }],
              env: input.env,
              volumeMounts: [{ name: "data", mountPath: input.dataPath }],
              readinessProbe: { httpGet: { path: input.readinessPath, port: "http" }, periodSeconds: 10 },
            },
          ],
          volumes: [{ name: "data", persistentVolumeClaim: { claimName: names.pvc } }],
        },
      },
    },
  };
  const service: V1Service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: meta(names.service),
    spec: { selector, ports: [{ name: "http", port: 80, targetPort: "http" }] },
  };
  const ingress: V1Ingress = {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: {
      ...meta(names.ingress),
      annotations: { "cert-manager.io/cluster-issuer": input.clusterIssuer },
    },
    spec: {
      ingressClassName: input.ingressClass,
      tls: [{ hosts: [input.host], secretName: names.tlsSecret }],
      rules: [
        {
          host: input.host,
          http: {
            paths: [
              {
                path: "/",
                pathType: "Prefix",
                backend: { service: { name: names.service, port: { number: 80 } } },
              },
            ],
          },
        },
      ],
    },
  };
  return [namespace, secret, pvc, deployment, service, ingress];
}
