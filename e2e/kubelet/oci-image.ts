// A one-layer OCI image archive built offline (nothing can be pulled here): the static busybox binary as
// /bin/busybox, started as `busybox sleep`. It serves as both the pod sandbox ("pause") image and the test
// containers' image, imported into the guest's containerd with `ctr images import`. The OCI writer itself is
// shared with scripts/images (e2e/images/oci.ts).
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { blobOf, blobPath, packLayerTar, plainLayer, writeOciArchive } from '../images/oci.js';

export const TEST_IMAGE = 'openlocal.test/busybox:1';

/** Writes the OCI archive (a tar of an OCI image layout) to `archivePath`. */
export async function buildBusyboxImage(archivePath: string, busybox = '/bin/busybox'): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'openlocal-oci-'));
  try {
    await mkdir(join(work, 'rootfs', 'bin'), { recursive: true });
    await copyFile(busybox, join(work, 'rootfs', 'bin', 'busybox'));
    // Fixed owner and time: the same binary gives the same layer digest on every run.
    await packLayerTar(join(work, 'rootfs'), ['bin'], join(work, 'layer.tar'));
    const layer = blobOf(await readFile(join(work, 'layer.tar')));
    const store = join(work, 'store');
    await mkdir(dirname(blobPath(store, layer.digest)), { recursive: true });
    await writeFile(blobPath(store, layer.digest), layer.data);
    await writeOciArchive(archivePath, { name: TEST_IMAGE, layers: [plainLayer(layer)], entrypoint: ['/bin/busybox', 'sleep', '2147483647'] }, store);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
