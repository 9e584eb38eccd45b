// A one-layer OCI image archive built offline (nothing can be pulled here): the static busybox binary as
// /bin/busybox, started as `busybox sleep`. It serves as both the pod sandbox ("pause") image and the test
// containers' image, imported into the guest's containerd with `ctr images import`.
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const TEST_IMAGE = 'openlocal.test/busybox:1';

export interface Blob {
  readonly digest: string;
  readonly size: number;
  readonly data: Buffer;
}

export function blobOf(data: Buffer): Blob {
  return { digest: `sha256:${createHash('sha256').update(data).digest('hex')}`, size: data.length, data };
}

/** The config, manifest and index blobs of a single-layer image whose layer is the given (uncompressed) tar. */
export function imageBlobs(request: { layer: Blob; name: string; entrypoint: readonly string[] }): { config: Blob; manifest: Blob; index: Buffer } {
  const { layer, name, entrypoint } = request;
  const config = blobOf(Buffer.from(JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    config: { Entrypoint: entrypoint, WorkingDir: '/' },
    // An uncompressed layer's diff id is its own digest.
    rootfs: { type: 'layers', diff_ids: [layer.digest] },
  })));
  const manifest = blobOf(Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config.digest, size: config.size },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer.digest, size: layer.size }],
  })));
  const index = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    manifests: [{
      mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: manifest.digest, size: manifest.size,
      // containerd names the imported image after this annotation.
      annotations: { 'io.containerd.image.name': name, 'org.opencontainers.image.ref.name': name.slice(name.lastIndexOf(':') + 1) },
    }],
  }));
  return { config, manifest, index };
}

/** Writes the OCI archive (a tar of an OCI image layout) to `archivePath`. */
export async function buildBusyboxImage(archivePath: string, busybox = '/bin/busybox'): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'openlocal-oci-'));
  try {
    await mkdir(join(work, 'rootfs', 'bin'), { recursive: true });
    await copyFile(busybox, join(work, 'rootfs', 'bin', 'busybox'));
    // Fixed owner and time: the same binary gives the same layer digest on every run.
    await run('tar', ['--create', '--file', join(work, 'layer.tar'), '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '--sort=name', '-C', join(work, 'rootfs'), 'bin']);
    const layer = blobOf(await readFile(join(work, 'layer.tar')));
    const { config, manifest, index } = imageBlobs({ layer, name: TEST_IMAGE, entrypoint: ['/bin/busybox', 'sleep', '2147483647'] });
    const layout = join(work, 'layout');
    await mkdir(join(layout, 'blobs', 'sha256'), { recursive: true });
    for (const blob of [layer, config, manifest]) await writeFile(join(layout, 'blobs', 'sha256', blob.digest.slice('sha256:'.length)), blob.data);
    await writeFile(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    await writeFile(join(layout, 'index.json'), index);
    await run('tar', ['--create', '--file', archivePath, '--owner=0', '--group=0', '--numeric-owner', '-C', layout, 'oci-layout', 'index.json', 'blobs']);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
