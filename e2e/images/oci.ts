// OCI image archives written without a container engine (there is none here, and nothing can be pulled): blobs
// named by their sha256, an image config, a manifest and an index in an OCI image layout, packed into one tar
// that `ctr images import` (containerd 1.6) and skopeo read. Used by scripts/images (the product images) and by
// the kubelet rung's busybox test image (e2e/kubelet/oci-image.ts).
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { link, mkdir, mkdtemp, rm, writeFile, copyFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const MEDIA_TYPES = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar',
  layerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
} as const;

export interface Blob {
  readonly digest: string;
  readonly size: number;
  readonly data: Buffer;
}

export function blobOf(data: Buffer): Blob {
  return { digest: `sha256:${createHash('sha256').update(data).digest('hex')}`, size: data.length, data };
}

/** A layer as the manifest lists it: the stored blob (maybe gzip) and the digest of its uncompressed tar. */
export interface LayerRef {
  readonly digest: string;
  readonly size: number;
  readonly diffId: string;
  readonly mediaType: string;
}

/** An uncompressed layer is its own diff id. */
export function plainLayer(blob: Blob): LayerRef {
  return { digest: blob.digest, size: blob.size, diffId: blob.digest, mediaType: MEDIA_TYPES.layer };
}

export interface ImageSpec {
  /** The full reference containerd names the image by, e.g. docker.io/open-local/agent:0.1.0. */
  readonly name: string;
  readonly layers: readonly LayerRef[];
  readonly entrypoint: readonly string[];
  readonly cmd?: readonly string[];
  readonly env?: readonly string[];
  /** "uid:gid"; absent = root. */
  readonly user?: string;
  readonly workingDir?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/** Pure: the config, manifest and index of an image whose layers are already stored as blobs. */
export function imageBlobs(spec: ImageSpec): { config: Blob; manifest: Blob; index: Buffer } {
  const labels = spec.labels ?? {};
  const config = blobOf(Buffer.from(JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    config: {
      Entrypoint: spec.entrypoint,
      ...(spec.cmd ? { Cmd: spec.cmd } : {}),
      ...(spec.env ? { Env: spec.env } : {}),
      ...(spec.user ? { User: spec.user } : {}),
      WorkingDir: spec.workingDir ?? '/',
      ...(Object.keys(labels).length > 0 ? { Labels: labels } : {}),
    },
    rootfs: { type: 'layers', diff_ids: spec.layers.map((l) => l.diffId) },
  })));
  const manifest = blobOf(Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.manifest,
    config: { mediaType: MEDIA_TYPES.config, digest: config.digest, size: config.size },
    layers: spec.layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
    ...(Object.keys(labels).length > 0 ? { annotations: labels } : {}),
  })));
  const index = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    manifests: [{
      mediaType: MEDIA_TYPES.manifest, digest: manifest.digest, size: manifest.size,
      // containerd names the imported image after this annotation; the ref name is the tag (OCI layout rule).
      annotations: { 'io.containerd.image.name': spec.name, 'org.opencontainers.image.ref.name': spec.name.slice(spec.name.lastIndexOf(':') + 1) },
    }],
  }));
  return { config, manifest, index };
}

/** Where a blob lives in a directory of blobs named like an OCI layout's (blobs/sha256/<hex>). */
export function blobPath(storeDir: string, digest: string): string {
  return join(storeDir, 'blobs', 'sha256', digest.slice('sha256:'.length));
}

/**
 * Writes the OCI archive of `spec` to `archivePath`. Layer blobs are read from `storeDir` (blobs/sha256/<hex>,
 * as blobPath), so a large layer is never held in memory; the config and manifest are written there too.
 * Returns the manifest digest.
 */
export async function writeOciArchive(archivePath: string, spec: ImageSpec, storeDir: string): Promise<{ manifestDigest: string; configDigest: string }> {
  const { config, manifest, index } = imageBlobs(spec);
  for (const blob of [config, manifest]) {
    await mkdir(dirname(blobPath(storeDir, blob.digest)), { recursive: true });
    await writeFile(blobPath(storeDir, blob.digest), blob.data);
  }
  await mkdir(dirname(archivePath), { recursive: true });
  const layout = await mkdtemp(join(dirname(archivePath), '.layout-'));
  try {
    await mkdir(join(layout, 'blobs', 'sha256'), { recursive: true });
    for (const digest of [...spec.layers.map((l) => l.digest), config.digest, manifest.digest]) {
      const target = blobPath(layout, digest);
      // A hard link when the store is on the same file system (no copy of a 100 MB layer), else a copy.
      await link(blobPath(storeDir, digest), target).catch(async () => copyFile(blobPath(storeDir, digest), target));
    }
    await writeFile(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    await writeFile(join(layout, 'index.json'), index);
    const partial = `${archivePath}.partial`;
    await run('tar', ['--create', '--file', partial, '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '--sort=name', '-C', layout, 'oci-layout', 'index.json', 'blobs']);
    await run('mv', ['-f', partial, archivePath]);
  } finally {
    await rm(layout, { recursive: true, force: true });
  }
  return { manifestDigest: manifest.digest, configDigest: config.digest };
}

/**
 * Packs `entries` (relative paths) of `rootDir` into an uncompressed tar with fixed owner, time and order, so
 * the same files give the same bytes (and digest) on every run.
 */
export async function packLayerTar(rootDir: string, entries: readonly string[], tarPath: string, options: { excludes?: readonly string[]; keepOwners?: boolean } = {}): Promise<void> {
  const excludes = (options.excludes ?? []).map((e) => `--exclude=${e}`);
  // keepOwners: a Debian root file system keeps its files' owners; our own files are root's.
  const owners = options.keepOwners === true ? [] : ['--owner=0', '--group=0'];
  await run('tar', ['--create', '--file', tarPath, ...owners, '--numeric-owner', '--mtime=@0', '--sort=name', ...excludes, '-C', rootDir, '--', ...entries], { maxBuffer: 16 * 1024 * 1024 });
}
