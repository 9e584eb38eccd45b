// The guest node's configuration files, rendered on the host and handed over on the share: containerd's
// config (CRI with runc, cgroupfs, local images only), a loopback-only CNI network (pods use the host network;
// the node still reports its network ready) and the kubelet's KubeletConfiguration.
import { stringify } from 'yaml';

export const CONTAINERD_SOCKET = '/run/containerd/containerd.sock';

/** containerd 1.6 (Debian) config, version 2 schema. The sandbox image is our own imported test image. */
export function renderContainerdConfig(sandboxImage: string): string {
  return [
    'version = 2',
    'root = "/var/lib/containerd"',
    'state = "/run/containerd"',
    // Snapshotters and services a CRI node does not use here; fewer plugins start faster under emulation.
    'disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]',
    '[grpc]',
    `  address = "${CONTAINERD_SOCKET}"`,
    '[plugins."io.containerd.grpc.v1.cri"]',
    `  sandbox_image = "${sandboxImage}"`,
    '  [plugins."io.containerd.grpc.v1.cri".containerd]',
    '    snapshotter = "overlayfs"',
    '    default_runtime_name = "runc"',
    '    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]',
    '      runtime_type = "io.containerd.runc.v2"',
    '      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]',
    '        SystemdCgroup = false',
    '  [plugins."io.containerd.grpc.v1.cri".cni]',
    '    bin_dir = "/usr/lib/cni"',
    '    conf_dir = "/etc/cni/net.d"',
    '',
  ].join('\n');
}

export function renderCniConflist(): string {
  return JSON.stringify({ cniVersion: '0.4.0', name: 'openlocal-loopback', plugins: [{ type: 'loopback' }] });
}

/**
 * KubeletConfiguration for a test node: the API server's client certificate is the only credential (no
 * webhook auth, nothing listens beyond loopback), cgroupfs (containerd 1.6 cannot report its driver),
 * no evictions or image GC (the node's disks are tmpfs), and quick status and volume loops.
 * `allowCgroupV1`: kubelet 1.35+ refuses a cgroup v1 host unless failCgroupV1 is false (its default is true;
 * "kubelet is configured to not run on a host using cgroup v1"); the cgroup v1 node (#15) sets it.
 */
export function renderKubeletConfig(options: { allowCgroupV1?: boolean } = {}): string {
  return stringify({
    ...(options.allowCgroupV1 === true ? { failCgroupV1: false } : {}),
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    address: '127.0.0.1',
    readOnlyPort: 0,
    healthzBindAddress: '127.0.0.1',
    authentication: { anonymous: { enabled: false }, webhook: { enabled: false } },
    authorization: { mode: 'AlwaysAllow' },
    cgroupDriver: 'cgroupfs',
    containerRuntimeEndpoint: `unix://${CONTAINERD_SOCKET}`,
    failSwapOn: false,
    resolvConf: '/etc/resolv.conf',
    registerNode: true,
    maxPods: 16,
    nodeStatusUpdateFrequency: '5s',
    syncFrequency: '10s',
    fileCheckFrequency: '10s',
    localStorageCapacityIsolation: false,
    evictionHard: { 'memory.available': '1Mi' },
    imageGCHighThresholdPercent: 100,
    imageGCLowThresholdPercent: 99,
    serializeImagePulls: false,
  });
}
