/**
 * Ceph CSI stand-in: the `rbd.csi.ceph.com` external provisioner. PVCs of a StorageClass with that
 * provisioner get a PersistentVolume (created here, bound by kube-controller-manager's PV
 * controller) whose RBD image is created in the emulated Ceph state; a Released PV with reclaim
 * policy Delete loses its image and goes away, as with external-provisioner + ceph-csi.
 */
import {
  CoreV1Api,
  type KubeConfig,
  type KubernetesObject,
  PatchStrategy,
  StorageV1Api,
  setHeaderOptions,
  type V1PersistentVolume,
  type V1PersistentVolumeClaim,
  type V1StorageClass,
} from "@kubernetes/client-node";
import type { CephState } from "../../ceph/state.js";
import { apiStatus } from "./errors.js";
import { recordEvent } from "./events.js";
import { keyOf, splitKey, type Watched, WorkQueue, watch } from "./informer.js";
import {
  deleteRbdVolume,
  expandRbdVolume,
  formatQuantity,
  ProvisionError,
  parseQuantity,
  provisionRbdVolume,
  RBD_PROVISIONER,
} from "./rbd-volumes.js";

export interface CephCsiOptions {
  /** The emulated Ceph cluster the RBD images are created in. */
  state: CephState;
  /** ceph-csi's clusterID (default the state's fsid, as in ceph-csi's config map). */
  clusterId?: string;
  /** A StorageClass to create (default `ceph-rbd` on pool `rbd`, the default class); `false` for none. */
  storageClass?:
    | { name?: string; pool?: string; default?: boolean; reclaimPolicy?: "Delete" | "Retain" }
    | false;
}

const FINALIZER = "external-provisioner.volume.kubernetes.io/finalizer";
const PROVISIONED_BY = "pv.kubernetes.io/provisioned-by";
const STORAGE_PROVISIONER = "volume.kubernetes.io/storage-provisioner";
const SELECTED_NODE = "volume.kubernetes.io/selected-node";

export interface CephCsiStandIn {
  readonly clusterId: string;
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export async function startCephCsi(
  kubeConfig: KubeConfig,
  options: CephCsiOptions,
  log: (line: string) => void,
  startTimeoutMs?: number,
): Promise<CephCsiStandIn> {
  const state = options.state;
  const clusterId = options.clusterId ?? state.fsid;
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const storage = kubeConfig.makeApiClient(StorageV1Api);
  const mergePatch = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);
  if (options.storageClass !== false) {
    const sc = options.storageClass ?? {};
    await storage
      .createStorageClass({
        body: {
          metadata: {
            name: sc.name ?? "ceph-rbd",
            annotations: { "storageclass.kubernetes.io/is-default-class": String(sc.default ?? true) },
          },
          provisioner: RBD_PROVISIONER,
          parameters: {
            clusterID: clusterId,
            pool: sc.pool ?? "rbd",
            imageFeatures: "layering",
            "csi.storage.k8s.io/fstype": "ext4",
          },
          reclaimPolicy: sc.reclaimPolicy ?? "Delete",
          allowVolumeExpansion: true,
          volumeBindingMode: "Immediate",
          mountOptions: ["discard"],
        },
      })
      .catch((e: unknown) => {
        if (apiStatus(e) !== 409) throw e;
      });
  }

  let classes: Watched<V1StorageClass> | undefined;
  let claims: Watched<V1PersistentVolumeClaim> | undefined;
  let volumes: Watched<V1PersistentVolume> | undefined;

  const ourClass = (name: string | undefined) => {
    const sc = name ? classes?.get(name) : undefined;
    return sc?.provisioner === RBD_PROVISIONER ? sc : undefined;
  };

  const provision = async (key: string) => {
    const { namespace = "default", name } = splitKey(key);
    const pvc = claims?.get(name, namespace);
    if (!pvc || pvc.metadata?.deletionTimestamp) return;
    const sc = ourClass(pvc.spec?.storageClassName);
    if (!sc) return;
    if (pvc.spec?.volumeName) {
      await expand(pvc, sc);
      return;
    }
    if (sc.volumeBindingMode === "WaitForFirstConsumer" && !pvc.metadata?.annotations?.[SELECTED_NODE])
      return;
    const pvName = `pvc-${pvc.metadata?.uid}`;
    if (volumes?.get(pvName)) return;
    const existing = await core.readPersistentVolume({ name: pvName }).catch((e: unknown) => {
      if (apiStatus(e) === 404) return undefined;
      throw e;
    });
    if (existing) return;
    await recordEvent(
      kubeConfig,
      { ...pvc, apiVersion: "v1", kind: "PersistentVolumeClaim" },
      {
        reason: "Provisioning",
        message: `External provisioner is provisioning volume for claim "${key}"`,
        component: `${RBD_PROVISIONER}_csi-rbdplugin-provisioner`,
      },
    );
    let volume: ReturnType<typeof provisionRbdVolume>;
    try {
      volume = provisionRbdVolume(state, {
        clusterId,
        parameters: sc.parameters ?? {},
        bytes: parseQuantity(String(pvc.spec?.resources?.requests?.storage ?? "1Gi")),
        accessModes: pvc.spec?.accessModes ?? ["ReadWriteOnce"],
        volumeMode: pvc.spec?.volumeMode ?? "Filesystem",
      });
    } catch (error) {
      if (!(error instanceof ProvisionError) && !(error instanceof RangeError)) throw error;
      const message = `failed to provision volume with StorageClass "${sc.metadata?.name}": ${error.message}`;
      log(`ceph-csi: ${key}: ${message}`);
      await recordEvent(
        kubeConfig,
        { ...pvc, apiVersion: "v1", kind: "PersistentVolumeClaim" },
        {
          type: "Warning",
          reason: "ProvisioningFailed",
          message,
          component: `${RBD_PROVISIONER}_csi-rbdplugin-provisioner`,
        },
      );
      queue.later(key, 5000);
      return;
    }
    const fsType = sc.parameters?.["csi.storage.k8s.io/fstype"] ?? "ext4";
    try {
      await core.createPersistentVolume({
        body: {
          metadata: {
            name: pvName,
            annotations: {
              [PROVISIONED_BY]: RBD_PROVISIONER,
              "volume.kubernetes.io/provisioner-deletion-secret-name": "",
              "volume.kubernetes.io/provisioner-deletion-secret-namespace": "",
            },
            finalizers: [FINALIZER],
          },
          spec: {
            capacity: { storage: formatQuantity(volume.capacityBytes) },
            accessModes: pvc.spec?.accessModes ?? ["ReadWriteOnce"],
            persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? "Delete",
            storageClassName: sc.metadata?.name ?? "",
            volumeMode: pvc.spec?.volumeMode ?? "Filesystem",
            ...(sc.mountOptions ? { mountOptions: sc.mountOptions } : {}),
            claimRef: {
              apiVersion: "v1",
              kind: "PersistentVolumeClaim",
              namespace,
              name,
              uid: pvc.metadata?.uid,
              resourceVersion: pvc.metadata?.resourceVersion,
            },
            csi: {
              driver: RBD_PROVISIONER,
              volumeHandle: volume.handle,
              ...(pvc.spec?.volumeMode === "Block" ? {} : { fsType }),
              volumeAttributes: {
                ...volume.attributes,
                "storage.kubernetes.io/csiProvisionerIdentity": `homelab-kit-${RBD_PROVISIONER}`,
              },
            },
          },
        },
      });
    } catch (error) {
      deleteRbdVolume(state, volume.attributes);
      throw error;
    }
    log(
      `ceph-csi: ${key} → ${pvName} (${volume.attributes.pool}/${volume.image.name}, ${volume.capacityBytes} bytes)`,
    );
    await recordEvent(
      kubeConfig,
      { ...pvc, apiVersion: "v1", kind: "PersistentVolumeClaim" },
      {
        reason: "ProvisioningSucceeded",
        message: `Successfully provisioned volume ${pvName}`,
        component: `${RBD_PROVISIONER}_csi-rbdplugin-provisioner`,
      },
    );
  };

  /**
   * external-resizer + ceph-csi ControllerExpandVolume, and the kubelet's part (filesystem grown,
   * PVC status capacity), which kwok does not play: a bound PVC asking for more than its PV holds
   * gets a bigger image, PV and PVC capacity.
   */
  const expand = async (pvc: V1PersistentVolumeClaim, sc: V1StorageClass) => {
    const pv = volumes?.get(pvc.spec?.volumeName ?? "");
    if (
      !pv ||
      pv.metadata?.annotations?.[PROVISIONED_BY] !== RBD_PROVISIONER ||
      pvc.status?.phase !== "Bound"
    )
      return;
    const requested = parseQuantity(String(pvc.spec?.resources?.requests?.storage ?? "0"));
    const capacity = parseQuantity(String(pv.spec?.capacity?.storage ?? "0"));
    const claimed = parseQuantity(String(pvc.status?.capacity?.storage ?? "0"));
    if (requested <= capacity && claimed >= capacity) return;
    const component = `${RBD_PROVISIONER}_csi-rbdplugin-provisioner`;
    const object = { ...pvc, apiVersion: "v1", kind: "PersistentVolumeClaim" };
    if (requested > capacity && !sc.allowVolumeExpansion) return; // the API server refuses it anyway
    let size = capacity;
    if (requested > capacity) {
      try {
        size = expandRbdVolume(state, pv.spec?.csi?.volumeAttributes ?? {}, requested);
      } catch (error) {
        if (!(error instanceof ProvisionError)) throw error;
        await recordEvent(kubeConfig, object, {
          type: "Warning",
          reason: "VolumeResizeFailed",
          message: error.message,
          component,
        });
        queue.later(`pvc:${keyOf(pvc)}`, 5000);
        return;
      }
      await core.patchPersistentVolume(
        { name: pv.metadata?.name ?? "", body: { spec: { capacity: { storage: formatQuantity(size) } } } },
        mergePatch,
      );
      log(`ceph-csi: ${keyOf(pvc)}: expanded ${pv.spec?.csi?.volumeAttributes?.imageName} to ${size} bytes`);
    }
    await core.patchNamespacedPersistentVolumeClaimStatus(
      {
        name: pvc.metadata?.name ?? "",
        namespace: pvc.metadata?.namespace ?? "default",
        body: { status: { capacity: { storage: formatQuantity(size) }, conditions: [] } },
      },
      mergePatch,
    );
    await recordEvent(kubeConfig, object, {
      reason: "VolumeResizeSuccessful",
      message: `resize volume "${pv.metadata?.name}" by resizer "${RBD_PROVISIONER}" finished successfully`,
      component,
    });
  };

  const reclaim = async (name: string) => {
    const pv = volumes?.get(name);
    if (!pv || pv.metadata?.annotations?.[PROVISIONED_BY] !== RBD_PROVISIONER) return;
    const released = pv.status?.phase === "Released" || pv.status?.phase === "Failed";
    const deleting = pv.metadata?.deletionTimestamp !== undefined;
    if (
      pv.spec?.persistentVolumeReclaimPolicy !== "Delete" ||
      !(released || (deleting && pv.status?.phase !== "Bound"))
    )
      return;
    const attributes = pv.spec?.csi?.volumeAttributes ?? {};
    if (deleteRbdVolume(state, attributes))
      log(`ceph-csi: ${name}: deleted ${attributes.pool}/${attributes.imageName}`);
    if (!deleting) {
      await core.deletePersistentVolume({ name }).catch((e: unknown) => {
        if (apiStatus(e) !== 404) throw e;
      });
    }
    const fresh = await core.readPersistentVolume({ name }).catch((e: unknown) => {
      if (apiStatus(e) === 404) return undefined;
      throw e;
    });
    if (!fresh?.metadata?.finalizers?.includes(FINALIZER)) return;
    await core.patchPersistentVolume(
      {
        name,
        body: {
          metadata: {
            resourceVersion: fresh.metadata.resourceVersion,
            finalizers: fresh.metadata.finalizers.filter((f) => f !== FINALIZER),
          },
        },
      },
      mergePatch,
    );
  };

  const queue = new WorkQueue(
    (key) => (key.startsWith("pv:") ? reclaim(key.slice(3)) : provision(key.slice(4))),
    (key, error) => log(`ceph-csi: ${key}: ${String(error)}`),
  );
  const claimsOfClass = (className: string | undefined) => {
    for (const pvc of claims?.list() ?? [])
      if (!className || pvc.spec?.storageClassName === className) queue.add(`pvc:${keyOf(pvc)}`);
  };
  const started: Watched<KubernetesObject>[] = [];
  try {
    classes = await watch<V1StorageClass>({
      kubeConfig,
      ...(startTimeoutMs !== undefined ? { startTimeoutMs } : {}),
      path: "/apis/storage.k8s.io/v1/storageclasses",
      list: () => storage.listStorageClass(),
      onChange: (sc) => claimsOfClass(sc.metadata?.name),
    });
    started.push(classes);
    volumes = await watch<V1PersistentVolume>({
      kubeConfig,
      ...(startTimeoutMs !== undefined ? { startTimeoutMs } : {}),
      path: "/api/v1/persistentvolumes",
      list: () => core.listPersistentVolume(),
      onChange: (pv, deleted) => {
        if (!deleted) queue.add(`pv:${pv.metadata?.name}`);
      },
    });
    started.push(volumes);
    claims = await watch<V1PersistentVolumeClaim>({
      kubeConfig,
      ...(startTimeoutMs !== undefined ? { startTimeoutMs } : {}),
      path: "/api/v1/persistentvolumeclaims",
      list: () => core.listPersistentVolumeClaimForAllNamespaces(),
      onChange: (pvc, deleted) => {
        if (
          !deleted &&
          (pvc.metadata?.annotations?.[STORAGE_PROVISIONER] === RBD_PROVISIONER ||
            ourClass(pvc.spec?.storageClassName))
        ) {
          queue.add(`pvc:${keyOf(pvc)}`);
        }
      },
    });
    started.push(claims);
  } catch (error) {
    await Promise.all(started.map((w) => w.stop()));
    throw error;
  }
  return {
    clusterId,
    idle: () => queue.idle(),
    stop: async () => {
      await Promise.all(started.map((w) => w.stop()));
      await queue.stop();
    },
  };
}
