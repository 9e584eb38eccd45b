import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { blobOf, imageBlobs, plainLayer } from '../images/oci.js';
import { buildBusyboxImage, TEST_IMAGE } from './oci-image.js';

const run = promisify(execFile);

describe('imageBlobs', () => {
  const layer = blobOf(Buffer.from('layer bytes'));
  const { config, manifest, index } = imageBlobs({ layers: [plainLayer(layer)], name: 'example.test/img:7', entrypoint: ['/app/x', 'y'] });

  it('names each blob by the sha256 of its bytes', () => {
    expect(blobOf(Buffer.from('layer bytes')).digest).toBe(layer.digest);
    expect(blobOf(Buffer.from('other')).digest).not.toBe(layer.digest);
    expect(layer.size).toBe(11);
  });

  it('chains index -> manifest -> config and layer by digest and size, with the layer as the diff id', () => {
    const parsedIndex = JSON.parse(index.toString()) as { manifests: { digest: string; size: number; annotations: Record<string, string> }[] };
    expect(parsedIndex.manifests[0]).toMatchObject({ digest: manifest.digest, size: manifest.size });
    expect(parsedIndex.manifests[0]?.annotations).toEqual({ 'io.containerd.image.name': 'example.test/img:7', 'org.opencontainers.image.ref.name': '7' });
    const parsedManifest = JSON.parse(manifest.data.toString()) as { config: { digest: string; size: number }; layers: { digest: string; size: number; mediaType: string }[] };
    expect(parsedManifest.config).toMatchObject({ digest: config.digest, size: config.size });
    expect(parsedManifest.layers).toEqual([{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer.digest, size: 11 }]);
    const parsedConfig = JSON.parse(config.data.toString()) as { rootfs: { diff_ids: string[] }; config: { Entrypoint: string[] } };
    expect(parsedConfig.rootfs.diff_ids).toEqual([layer.digest]);
    expect(parsedConfig.config.Entrypoint).toEqual(['/app/x', 'y']);
  });
});

describe('buildBusyboxImage', () => {
  it('writes an OCI layout archive whose blobs match their digests and whose layer holds bin/busybox', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'oci-test-'));
    try {
      const archive = join(dir, 'image.tar');
      await buildBusyboxImage(archive);
      const { stdout } = await run('tar', ['-tf', archive]);
      const entries = stdout.split('\n').filter(Boolean);
      expect(entries).toContain('oci-layout');
      expect(entries).toContain('index.json');
      await run('tar', ['-xf', archive, '-C', dir]);
      const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as { manifests: { digest: string; annotations: Record<string, string> }[] };
      expect(index.manifests[0]?.annotations['io.containerd.image.name']).toBe(TEST_IMAGE);
      const blob = (digest: string) => readFile(join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length)));
      const manifestBytes = await blob(index.manifests[0]?.digest ?? '');
      expect(blobOf(manifestBytes).digest).toBe(index.manifests[0]?.digest);
      const manifest = JSON.parse(manifestBytes.toString()) as { layers: { digest: string }[] };
      const layerDigest = manifest.layers[0]?.digest ?? '';
      expect(blobOf(await blob(layerDigest)).digest).toBe(layerDigest);
      const layerPath = join(dir, 'blobs', 'sha256', layerDigest.slice('sha256:'.length));
      expect((await run('tar', ['-tvf', layerPath])).stdout).toMatch(/^-rwx.* bin\/busybox$/m);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
