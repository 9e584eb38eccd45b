// Why the kubelet rung cannot run here, or null: it needs root (containerd, mounts, LVM in the guest) and a
// QEMU guest; the image is built (apt-get as needed) on first use, as the other guest stages do.
import { defaultVmCacheDir, ensureGuestImage, QemuUnavailableError } from '../vm/image.js';

export async function guestSkipReason(): Promise<string | null> {
  if (process.getuid?.() !== 0) return 'needs root (the guest image build installs packages; the node mounts and runs containers)';
  try {
    await ensureGuestImage({ cacheDir: defaultVmCacheDir(), log: (message) => console.log(`[vm] ${message}`) });
    return null;
  } catch (error) {
    if (error instanceof QemuUnavailableError) return `QEMU cannot run here: ${error.message}`;
    throw error;
  }
}
