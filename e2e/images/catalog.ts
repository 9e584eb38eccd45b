// What scripts/images builds, as data: one image per app and one per CSI sidecar, their layers, users and
// labels, and the rules that name them. Pure (no I/O) and table-tested; e2e/images/build.ts does the work.

/** Debian packages of the node images (agent, csi-plugin): what the apps run, and Node's own libraries. */
export const NODE_IMAGE_PACKAGES = ['lvm2', 'e2fsprogs', 'xfsprogs', 'util-linux', 'mount', 'thin-provisioning-tools', 'libstdc++6', 'libgcc-s1'] as const;

/**
 * Commands the node images must hold, relative to the image's root (checked in the built root file system, so a
 * missing package fails loudly).
 */
export const NODE_IMAGE_COMMANDS = ['usr/sbin/lvm', 'usr/sbin/mkfs.ext4', 'usr/sbin/resize2fs', 'usr/sbin/mkfs.xfs', 'usr/sbin/xfs_growfs', 'usr/sbin/blkid', 'usr/sbin/wipefs', 'usr/bin/mount', 'usr/bin/umount', 'usr/sbin/dmsetup', 'usr/sbin/thin_check', 'usr/bin/nsenter'] as const;

/** The uid and gid of the non-root apps (distroless's "nonroot"). */
export const NON_ROOT = '65532:65532';

/** The directory of the apps' commands and of Node inside the images (not on this machine). */
export const IMAGE_BIN = '/usr/local/bin';
/** Where the Node binary lives in every app image. */
export const NODE_PATH = `${IMAGE_BIN}/node`;

export type Base = 'storage' | 'minimal';

export interface AppImage {
  readonly kind: 'app';
  /** Short name: the image is <repository prefix>/<name>. */
  readonly name: string;
  /** Workspace directory under packages/. */
  readonly packageDir: string;
  /** The command the app installs (package.json bin), put on PATH in the image. */
  readonly command: string;
  readonly base: Base;
  readonly user?: string;
  /** Files copied from the package next to the bundle (paths relative to the package and to /app). */
  readonly packageFiles: readonly string[];
  /**
   * Files of dependencies that read data at run time relative to their own (bundled) module: source (relative
   * to node_modules) and target in the image.
   */
  readonly dependencyFiles: readonly { source: string; target: string }[];
}

export interface SidecarImage {
  readonly kind: 'sidecar';
  readonly name: string;
  /** Binary name in the tool cache (scripts/build-tools). */
  readonly binary: string;
  /** Key in tools/versions.env whose value is the image's tag. */
  readonly versionKey: string;
}

export type ImageDefinition = AppImage | SidecarImage;

export const APP_IMAGES: readonly AppImage[] = [
  { kind: 'app', name: 'agent', packageDir: 'agent', command: 'open-local-agent', base: 'storage', packageFiles: [], dependencyFiles: [] },
  {
    kind: 'app', name: 'csi-plugin', packageDir: 'csi-plugin', command: 'open-local-csi-plugin', base: 'storage',
    packageFiles: ['proto/csi.proto', 'proto/pluginregistration.proto'],
    // grpc-health-check loads <its module dir>/../../proto/health/v1/health.proto; bundled, its module dir is /app/dist.
    dependencyFiles: [{ source: 'grpc-health-check/proto/health/v1/health.proto', target: '/proto/health/v1/health.proto' }],
  },
  { kind: 'app', name: 'controller', packageDir: 'controller', command: 'open-local-controller', base: 'minimal', user: NON_ROOT, packageFiles: [], dependencyFiles: [] },
  { kind: 'app', name: 'scheduler-extender', packageDir: 'scheduler-extender', command: 'open-local-scheduler-extender', base: 'minimal', user: NON_ROOT, packageFiles: [], dependencyFiles: [] },
];

/**
 * The CSI sidecars, from the pinned binaries scripts/build-tools builds. Add one here (and its binary to
 * build-tools) and scripts/images builds its image; the chart names them under images.<chart key>.
 */
export const SIDECAR_IMAGES: readonly SidecarImage[] = [
  { kind: 'sidecar', name: 'csi-provisioner', binary: 'csi-provisioner', versionKey: 'EXTERNAL_PROVISIONER_VERSION' },
  { kind: 'sidecar', name: 'csi-resizer', binary: 'csi-resizer', versionKey: 'EXTERNAL_RESIZER_VERSION' },
  { kind: 'sidecar', name: 'csi-snapshotter', binary: 'csi-snapshotter', versionKey: 'EXTERNAL_SNAPSHOTTER_VERSION' },
  { kind: 'sidecar', name: 'snapshot-controller', binary: 'snapshot-controller', versionKey: 'EXTERNAL_SNAPSHOTTER_VERSION' },
];

export const ALL_IMAGES: readonly ImageDefinition[] = [...APP_IMAGES, ...SIDECAR_IMAGES];

/** The default repository prefix: with the chart's default empty registry, kubelet asks for docker.io/open-local/<name>. */
export const DEFAULT_PREFIX = 'docker.io/open-local';

const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const PREFIX = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;

/** Refuses a tag that no registry or containerd would take, naming it. */
export function checkTag(tag: string): string {
  if (!TAG.test(tag)) throw new Error(`--tag must be an image tag (letters, digits, '_', '.', '-', at most 128, not starting with '.' or '-'), got "${tag}"`);
  return tag;
}

/** Refuses a repository prefix that is not a lower-case registry/path, naming it. */
export function checkPrefix(prefix: string): string {
  if (!PREFIX.test(prefix)) throw new Error(`--prefix must be a lower-case registry and path such as docker.io/open-local, got "${prefix}"`);
  return prefix;
}

/** Pure: the full reference of an image. Apps take the given tag; sidecars keep their upstream version. */
export function imageRef(definition: ImageDefinition, options: { prefix: string; tag: string; versions: Readonly<Record<string, string>> }): string {
  if (definition.kind === 'app') return `${options.prefix}/${definition.name}:${options.tag}`;
  const version = options.versions[definition.versionKey];
  if (version === undefined || version === '') throw new Error(`tools/versions.env has no ${definition.versionKey} (the ${definition.name} image's tag)`);
  return `${options.prefix}/${definition.name}:${checkTag(version)}`;
}

/** Pure: the OCI labels every image carries. */
export function imageLabels(options: { version: string; revision: string; source: string; title: string }): Record<string, string> {
  return {
    'org.opencontainers.image.title': options.title,
    'org.opencontainers.image.version': options.version,
    'org.opencontainers.image.revision': options.revision,
    'org.opencontainers.image.source': options.source,
    'org.opencontainers.image.licenses': 'Apache-2.0',
  };
}

/** Pure: KEY=value pairs of tools/versions.env (comments and blank lines skipped). */
export function parseVersionsEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z0-9_]+)=(\S*)\s*$/.exec(line.trim());
    if (match) out[match[1] as string] = match[2] as string;
  }
  return out;
}

/** Pure: the images a comma-separated --only list names (every image when empty), refusing unknown names. */
export function selectImages(only: string | undefined): ImageDefinition[] {
  if (only === undefined || only.trim() === '') return [...ALL_IMAGES];
  const names = only.split(',').map((n) => n.trim()).filter(Boolean);
  const unknown = names.filter((n) => !ALL_IMAGES.some((d) => d.name === n));
  if (unknown.length > 0) throw new Error(`--only names unknown image(s) ${unknown.join(', ')}; known: ${ALL_IMAGES.map((d) => d.name).join(', ')}`);
  return ALL_IMAGES.filter((d) => names.includes(d.name));
}

/** Pure: "12.3 MiB". */
export function formatSize(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
