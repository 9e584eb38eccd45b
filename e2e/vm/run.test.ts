// The qemu command line and the checks on a guest request (no guest is booted here).
import { describe, expect, it } from 'vitest';
import { guestDiskPath, qemuArgs, validateGuestRequest } from './run.js';

const image = { kernelPackage: 'linux-image-6.1.0-56-amd64', kernelPath: '/c/vmlinuz', initrdPath: '/c/initrd.cpio', modules: [] };
const base = { image, shareDir: '/c/run/share', diskFiles: ['/t/disk0.raw', '/t/disk1.raw'], memoryMiB: 1024, nodePath: '/usr/bin/node', runnerPath: '/repo/e2e/vm/guest-runner.mjs' };

describe('qemuArgs', () => {
  it('boots under TCG on one vCPU with the host root read-only, the share writable and one virtio drive per disk', () => {
    const argv = qemuArgs(base);
    expect(argv.slice(0, 6)).toEqual(['-accel', 'tcg', '-cpu', 'max', '-smp', '1']);
    expect(argv).toContain('local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap');
    expect(argv).toContain('local,path=/c/run/share,mount_tag=share,security_model=none');
    expect(argv.filter((a) => a.startsWith('file='))).toEqual([
      'file=/t/disk0.raw,if=virtio,format=raw,cache=unsafe',
      'file=/t/disk1.raw,if=virtio,format=raw,cache=unsafe',
    ]);
    expect(argv[argv.indexOf('-append') + 1]).toBe(
      'console=ttyS0 quiet panic=-1 OPENLOCAL_NODE=/usr/bin/node OPENLOCAL_RUNNER=/repo/e2e/vm/guest-runner.mjs',
    );
    expect(argv).toContain('-no-reboot');
    expect(argv).not.toContain('-netdev');
  });

  it('gives the guest as many vCPUs as asked', () => {
    const argv = qemuArgs({ ...base, cpus: 2 });
    expect(argv[argv.indexOf('-smp') + 1]).toBe('2');
  });

  it('adds a user-mode NIC only when the network is asked for', () => {
    const argv = qemuArgs({ ...base, network: true });
    expect(argv[argv.indexOf('-netdev') + 1]).toBe('user,id=net0');
    expect(argv[argv.indexOf('-device') + 1]).toBe('virtio-net-pci,netdev=net0');
    expect(qemuArgs({ ...base, network: false })).not.toContain('-device');
  });

  it('asks init.sh for the cgroup v1 layout only when cgroupVersion is v1', () => {
    const append = (argv: string[]): string => argv[argv.indexOf('-append') + 1] ?? '';
    expect(append(qemuArgs({ ...base, cgroupVersion: 'v1' }))).toMatch(/ OPENLOCAL_CGROUP=v1$/);
    expect(append(qemuArgs({ ...base, cgroupVersion: 'v2' }))).not.toContain('OPENLOCAL_CGROUP');
  });

  it('forwards host loopback ports to guest ports on the user-mode network', () => {
    const argv = qemuArgs({ ...base, network: true, hostForwards: [{ hostPort: 41000, guestPort: 23000 }, { hostPort: 41001, guestPort: 9101 }] });
    expect(argv[argv.indexOf('-netdev') + 1]).toBe('user,id=net0,hostfwd=tcp:127.0.0.1:41000-:23000,hostfwd=tcp:127.0.0.1:41001-:9101');
  });

  it.each([
    { name: 'a node path with a space (the kernel command line has no quoting)', change: { nodePath: '/opt/my node/bin/node' }, want: /nodePath/ },
    { name: 'a disk file with a comma (qemu option syntax)', change: { diskFiles: ['/t/a,b.raw'] }, want: /disk file "\/t\/a,b.raw"/ },
    { name: 'a share dir with a comma', change: { shareDir: '/c/a,b' }, want: /shareDir/ },
  ])('refuses $name', ({ change, want }) => {
    expect(() => qemuArgs({ ...base, ...change })).toThrow(want);
  });
});

describe('validateGuestRequest', () => {
  it.each([
    { name: 'empty argv', request: { argv: [] }, want: /argv must be a non-empty array/ },
    { name: 'bad env name', request: { argv: ['true'], env: { 'A-B': '1' } }, want: /env name "A-B"/ },
    { name: 'disk not in whole sectors', request: { argv: ['true'], disks: [{ sizeBytes: 1024 * 1024 + 1 }] }, want: /disks\[0\]\.sizeBytes .* got 1048577/ },
    { name: 'tiny disk', request: { argv: ['true'], disks: [{ sizeBytes: 512 }] }, want: /disks\[0\]\.sizeBytes/ },
    { name: 'zero timeout', request: { argv: ['true'], timeoutMs: 0 }, want: /timeoutMs must be positive, got 0/ },
    { name: 'too little memory', request: { argv: ['true'], memoryMiB: 64 }, want: /memoryMiB .* got 64/ },
    { name: 'no vCPU', request: { argv: ['true'], cpus: 0 }, want: /cpus must be a whole number from 1 to 8, got 0/ },
    { name: 'a fraction of a vCPU', request: { argv: ['true'], cpus: 1.5 }, want: /cpus .* got 1.5/ },
    { name: 'relative disk image', request: { argv: ['true'], disks: [{ file: 'disk.raw' }] }, want: /disks\[0\]\.file .* got "disk.raw"/ },
    { name: 'disk image with a comma', request: { argv: ['true'], disks: [{ file: '/t/a,b.raw' }] }, want: /disks\[0\]\.file .*"\/t\/a,b.raw"/ },
  ])('refuses $name, naming the field and value', ({ request, want }) => {
    expect(() => validateGuestRequest(request)).toThrow(want);
  });

  it('accepts a plain request', () => {
    expect(() => validateGuestRequest({ argv: ['true'], env: { A_B: '1' }, disks: [{ sizeBytes: 1024 ** 3 }] })).not.toThrow();
  });
});

describe('guestDiskPath', () => {
  it.each([
    { name: 'first disk', index: 0, want: '/dev/vda' },
    { name: 'third disk', index: 2, want: '/dev/vdc' },
  ])('$name is $want', ({ index, want }) => {
    expect(guestDiskPath(index)).toBe(want);
  });

  it('refuses an index past /dev/vdz', () => {
    expect(() => guestDiskPath(26)).toThrow(/26 out of range/);
  });
});
