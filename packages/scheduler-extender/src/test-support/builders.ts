// Small builders of Kubernetes objects for unit tests, benchmarks and HTTP tests: only the fields the extender
// reads, in the shapes the API server sends.
import { ANNOTATIONS, DRIVER_NAME, TOPOLOGY_KEY } from '@openlocal/crd-types';
import type { NlsShape, PodShape, PodVolumeShape, PvShape, PvcShape, StorageClassShape } from '../core/k8s-shapes.js';

export const GI = 2 ** 30;
export const DRIVER = DRIVER_NAME;

export interface NodeSpec {
  vgs?: Record<string, number>;
  devices?: { name: string; gi: number; mediaType: 'ssd' | 'hdd' }[];
  mountPoints?: { name: string; gi: number; device: string; fsType?: string }[];
}

/** An NLS whose listed resources are all in `filteredStorageInfo`; sizes in GiB. */
export function nls(node: string, spec: NodeSpec): NlsShape {
  const vgs = Object.entries(spec.vgs ?? {});
  const devices = spec.devices ?? [];
  const mountPoints = spec.mountPoints ?? [];
  return {
    metadata: { name: node },
    status: {
      nodeStorageInfo: {
        volumeGroups: vgs.map(([name, gi]) => ({ name, allocatable: gi * GI })),
        deviceInfo: devices.map((d) => ({ name: d.name, mediaType: d.mediaType, total: d.gi * GI, readOnly: false })),
        mountPoints: mountPoints.map((m) => ({ name: m.name, total: m.gi * GI, fsType: m.fsType ?? 'ext4', device: m.device, readOnly: false })),
      },
      filteredStorageInfo: {
        volumeGroups: vgs.map(([name]) => name),
        devices: devices.map((d) => d.name),
        mountPoints: mountPoints.map((m) => m.name),
      },
    },
  };
}

export function storageClass(name: string, parameters: Record<string, string>, provisioner = DRIVER): StorageClassShape {
  return { metadata: { name }, provisioner, parameters };
}

export function pvc(key: string, sc: string, size: string, extra: { selectedNode?: string; volumeName?: string } = {}): PvcShape {
  const [namespace, name] = key.split('/');
  const annotations: Record<string, string> = {};
  if (extra.selectedNode !== undefined) annotations[ANNOTATIONS.selectedNode] = extra.selectedNode;
  return {
    metadata: { namespace, name, annotations },
    spec: { storageClassName: sc, resources: { requests: { storage: size } }, ...(extra.volumeName ? { volumeName: extra.volumeName } : {}) },
  };
}

export function pv(name: string, node: string, volume: { vgName?: string; device?: string; mountPoint?: string; size: string; claim?: string }): PvShape {
  const attributes: Record<string, string> = {};
  if (volume.vgName !== undefined) Object.assign(attributes, { volumeType: 'LVM', vgName: volume.vgName });
  if (volume.device !== undefined) Object.assign(attributes, { volumeType: 'Device', Device: volume.device });
  if (volume.mountPoint !== undefined) Object.assign(attributes, { volumeType: 'MountPoint', MountPoint: volume.mountPoint });
  const [namespace, claimName] = (volume.claim ?? '/').split('/');
  return {
    metadata: { name },
    spec: {
      capacity: { storage: volume.size },
      csi: { driver: DRIVER, volumeAttributes: attributes },
      ...(volume.claim === undefined ? {} : { claimRef: { namespace, name: claimName } }),
      nodeAffinity: {
        required: { nodeSelectorTerms: [{ matchExpressions: [{ key: TOPOLOGY_KEY, operator: 'In', values: [node] }] }] },
      },
    },
  };
}

/** A pod using claims (`"ns/name"` keys must share the pod's namespace) and optional extra volumes. */
export function pod(key: string, claims: string[], extra: PodVolumeShape[] = [], nodeName?: string): PodShape {
  const [namespace, name] = key.split('/');
  const volumes: PodVolumeShape[] = claims.map((claim, i) => ({ name: `v${i}`, persistentVolumeClaim: { claimName: claim.split('/')[1] ?? claim } }));
  return {
    metadata: { namespace, name, uid: `uid-${key}` },
    spec: { volumes: [...volumes, ...extra], ...(nodeName === undefined ? {} : { nodeName }) },
  };
}

export function inlineVolume(name: string, attributes: Record<string, string>, driver = DRIVER): PodVolumeShape {
  return { name, csi: { driver, volumeAttributes: attributes } };
}
