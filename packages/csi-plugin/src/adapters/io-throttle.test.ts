// The throttle adapter against cgroup-shaped directory trees in a temp dir (a unit test: real cgroupfs, where the
// kernel checks the lines, is the kubelet rung's and the guest tests' job). Proves the v1/v2 detection, which file
// gets which line, and that every case where nothing can be applied says why.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIoThrottle, detectCgroupLayout } from './io-throttle.js';

const UID = '0f3c1b2a-7d4e-4c5f-9a6b-1c2d3e4f5a6b';
const BLKIO_FILES = ['read_iops_device', 'write_iops_device', 'read_bps_device', 'write_bps_device'].map((f) => `blkio.throttle.${f}`);
const target = `/var/lib/kubelet/pods/${UID}/volumes/kubernetes.io~csi/pv-1/mount`;

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'io-throttle-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function makeCgroup(dir: string, files: readonly string[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const file of files) await writeFile(join(dir, file), '');
}

describe('createIoThrottle', () => {
  it('on cgroup v1 writes each blkio.throttle file of a burstable pod (cgroupfs driver)', async () => {
    await makeCgroup(join(root, 'blkio'), BLKIO_FILES);
    const pod = join(root, 'blkio', 'kubepods', 'burstable', `pod${UID}`);
    await makeCgroup(pod, BLKIO_FILES);
    const outcome = await createIoThrottle({ cgroupRoot: root, kubeletDir: '/var/lib/kubelet' }).apply({ targetPath: target, majMin: '253:7', throttle: { iops: 150, bpsBytes: 2097152 } });
    expect(outcome.isApplied).toBe(true);
    expect(await readFile(join(pod, 'blkio.throttle.read_iops_device'), 'utf8')).toBe('253:7 150\n');
    expect(await readFile(join(pod, 'blkio.throttle.write_iops_device'), 'utf8')).toBe('253:7 150\n');
    expect(await readFile(join(pod, 'blkio.throttle.read_bps_device'), 'utf8')).toBe('253:7 2097152\n');
    expect(await readFile(join(pod, 'blkio.throttle.write_bps_device'), 'utf8')).toBe('253:7 2097152\n');
  });

  it('on cgroup v2 writes io.max of a guaranteed pod (systemd driver)', async () => {
    await makeCgroup(root, ['cgroup.controllers']);
    const pod = join(root, 'kubepods.slice', `kubepods-pod${UID.replace(/-/g, '_')}.slice`);
    await makeCgroup(pod, ['io.max']);
    const outcome = await createIoThrottle({ cgroupRoot: root, kubeletDir: '/var/lib/kubelet' }).apply({ targetPath: target, majMin: '253:7', throttle: { bpsBytes: 1024 } });
    expect(outcome).toMatchObject({ isApplied: true });
    expect(await readFile(join(pod, 'io.max'), 'utf8')).toBe('253:7 rbps=1024 wbps=1024\n');
  });

  it.each([
    { name: 'neither hierarchy is mounted', setUp: async () => undefined, want: 'neither a cgroup v2 root (cgroup.controllers) nor a cgroup v1 blkio hierarchy' },
    { name: 'the v1 pod cgroup is missing', setUp: () => makeCgroup(join(root, 'blkio'), BLKIO_FILES), want: `no blkio.throttle.read_iops_device for pod ${UID}` },
    { name: 'the v2 pod cgroup has no io.max', setUp: () => makeCgroup(join(root, 'kubepods', 'besteffort', `pod${UID}`), []).then(() => makeCgroup(root, ['cgroup.controllers'])), want: 'do not enable the io controller' },
  ])('writes nothing and says why when $name', async ({ setUp, want }) => {
    await setUp();
    const outcome = await createIoThrottle({ cgroupRoot: root, kubeletDir: '/var/lib/kubelet' }).apply({ targetPath: target, majMin: '253:7', throttle: { iops: 1 } });
    expect(outcome.isApplied).toBe(false);
    expect(outcome.detail).toContain(want);
  });

  it('refuses a malformed device number or a target path without a pod UID, and writes nothing', async () => {
    await makeCgroup(join(root, 'blkio'), BLKIO_FILES);
    const throttle = createIoThrottle({ cgroupRoot: root, kubeletDir: '/var/lib/kubelet' });
    expect(await throttle.apply({ targetPath: target, majMin: '253:7 1\n8:0', throttle: { iops: 1 } })).toMatchObject({ isApplied: false, detail: expect.stringContaining('invalid device number') });
    expect(await throttle.apply({ targetPath: '/var/lib/kubelet/pods/../../etc/x', majMin: '253:7', throttle: { iops: 1 } })).toMatchObject({ isApplied: false, detail: expect.stringContaining('no pod UID') });
  });

  it('detects the layout from what is mounted at the root', async () => {
    expect(await detectCgroupLayout(root)).toBe('none');
    await makeCgroup(root, ['cgroup.controllers']);
    expect(await detectCgroupLayout(root)).toBe('v2');
  });
});
