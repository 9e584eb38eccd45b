// The compatibility contract (DESIGN §2): names Open-Local users' manifests and configs depend on, pinned here so
// an accidental edit fails a test instead of breaking clusters.
import { describe, expect, it } from 'vitest';
import {
  AGENT_DEFAULTS, ANNOTATIONS, API_VERSION, CONDITIONS, DRIVER_NAME, LABELS, MEDIA_TYPES, NLS, NLSC, PROVISIONER_NAMES,
  STORAGE_CLASS_PARAMS, TOPOLOGY_KEY, VOLUME_TYPES,
} from './constants.js';

describe('compatibility constants', () => {
  it.each([
    { name: 'apiVersion', got: API_VERSION, want: 'csi.aliyun.com/v1alpha1' },
    { name: 'NLS plural and short name', got: `${NLS.plural}/${NLS.shortName}`, want: 'nodelocalstorages/nls' },
    { name: 'NLSC plural and short name', got: `${NLSC.plural}/${NLSC.shortName}`, want: 'nodelocalstorageinitconfigs/nlsc' },
    { name: 'CSI driver name', got: DRIVER_NAME, want: 'local.csi.aliyun.com' },
    { name: 'legacy yoda provisioner is accepted', got: PROVISIONER_NAMES.join(','), want: 'local.csi.aliyun.com,yodaplugin.csi.alibabacloud.com' },
    { name: 'topology key', got: TOPOLOGY_KEY, want: 'kubernetes.io/hostname' },
    { name: 'reserve annotation', got: ANNOTATIONS.storageReserved, want: 'csi.aliyun.com/storage-reserved' },
    { name: 'selected-node annotation', got: ANNOTATIONS.selectedNode, want: 'volume.kubernetes.io/selected-node' },
    { name: 'pv-allocated annotation', got: ANNOTATIONS.pvAllocated, want: 'csi.aliyun.com/pv-allocated' },
    { name: 'reschedule label keeps the upstream spelling', got: LABELS.rescheduleTimestamp, want: 'csi.aliyun.com/reschdule-timestamp' },
    { name: 'conditions', got: Object.values(CONDITIONS).join(','), want: 'DiskReady,DiskFull,DiskFault' },
    { name: 'media types', got: Object.values(MEDIA_TYPES).join(','), want: 'hdd,ssd' },
    { name: 'volume types', got: Object.values(VOLUME_TYPES).join(','), want: 'LVM,Device,MountPoint' },
    // Open-Local's keys, then ours (thinPool, overProvisioningRatio, #17), then Open-Local's spdk and direct (#15).
    { name: 'StorageClass keys', got: Object.values(STORAGE_CLASS_PARAMS).join(','), want: 'volumeType,vgName,mediaType,csi.storage.k8s.io/fstype,lvmType,iops,bps,thinPool,overProvisioningRatio,spdk,direct' },
    { name: 'agent defaults', got: `${AGENT_DEFAULTS.lvNamePrefix} ${AGENT_DEFAULTS.deviceRegexp} ${AGENT_DEFAULTS.intervalSeconds} ${AGENT_DEFAULTS.mountPath}`, want: 'local ^(s|v|xv)d[a-z]+$ 60 /mnt/open-local' },
  ])('$name', ({ got, want }) => {
    expect(got).toBe(want);
  });
});
