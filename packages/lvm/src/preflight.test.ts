import { describe, expect, it } from 'vitest';
import { nodePreflight, parseHostPaths, preflightProblems, type PreflightFacts } from './preflight.js';

const healthy: PreflightFacts = {
  missingCommands: [],
  hostPaths: [{ path: '/dev', exists: true, mounted: true }, { path: '/run/lvm', exists: true, mounted: true }, { path: '/etc/lvm', exists: true, mounted: true }],
  sysBlock: ['vda', 'vdb'],
  devNodes: ['vda', 'vdb'],
};

describe('preflightProblems', () => {
  it.each([
    { name: 'a healthy node container', facts: healthy, want: [] },
    {
      name: 'an image without the storage tools', facts: { ...healthy, missingCommands: ['lvm', 'mkfs.xfs', 'xfs_growfs'] },
      want: ['storage tools missing on PATH: lvm, mkfs.xfs, xfs_growfs (Debian packages lvm2, xfsprogs); this image or node lacks them — use the node images scripts/images builds'],
    },
    {
      name: 'a container with its own /dev', facts: { ...healthy, devNodes: [] },
      want: ['/dev does not show the host\'s disks (/sys/block lists vda, vdb but /dev has none of them): mount the host\'s /dev into the container (hostPath /dev)'],
    },
    {
      name: 'no /run/lvm mount', facts: { ...healthy, hostPaths: [{ path: '/run/lvm', exists: false, mounted: false }] },
      want: ['/run/lvm is missing: mount the host\'s /run/lvm into the container (hostPath /run/lvm)'],
    },
    {
      name: 'the image\'s own /etc/lvm', facts: { ...healthy, hostPaths: [{ path: '/etc/lvm', exists: true, mounted: false }] },
      want: ['/etc/lvm is the container\'s own, not the host\'s: mount the host\'s /etc/lvm into the container (hostPath /etc/lvm), or lvm\'s state there is not shared with the host'],
    },
    { name: 'a node without disks (nothing to compare /dev with)', facts: { ...healthy, sysBlock: [], devNodes: [] }, want: [] },
  ])('$name', ({ facts, want }) => {
    expect(preflightProblems(facts)).toEqual(want);
  });

  it('reports every problem at once', () => {
    expect(preflightProblems({ ...healthy, missingCommands: ['lvm'], devNodes: [], hostPaths: [...healthy.hostPaths.slice(0, 1), { path: '/run/lvm', exists: false, mounted: false }] })).toHaveLength(3);
  });
});

describe('parseHostPaths', () => {
  it('reads a comma-separated list', () => expect(parseHostPaths(' /dev, /run/lvm,,/etc/lvm ')).toEqual(['/dev', '/run/lvm', '/etc/lvm']));
  it.each(['run/lvm', '/run/../etc', '/a b', '/x;y'])('refuses %j, naming the variable and the value', (value) => {
    expect(() => parseHostPaths(value)).toThrow(`OPENLOCAL_HOST_PATHS must list absolute paths separated by commas, got "${value}"`);
  });
});

describe('nodePreflight', () => {
  it('does nothing without OPENLOCAL_HOST_PATHS (host processes and tests)', () => {
    expect(() => nodePreflight({ PATH: '' })).not.toThrow();
  });

  it('names the missing tools when PATH has none of them', () => {
    expect(() => nodePreflight({ PATH: '/nonexistent', OPENLOCAL_HOST_PATHS: '/proc' })).toThrow(/cannot manage the node's storage: storage tools missing on PATH: lvm, mkfs\.ext4/);
  });

  it('names a host path that is not a mount point here', () => {
    expect(() => nodePreflight({ PATH: process.env['PATH'] ?? '', OPENLOCAL_HOST_PATHS: '/proc,/nonexistent-openlocal-path' })).toThrow('/nonexistent-openlocal-path is missing: mount the host\'s /nonexistent-openlocal-path');
  });
});
