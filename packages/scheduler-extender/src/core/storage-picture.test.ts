import { describe, expect, it } from 'vitest';
import type { InlineRecord, PvRecord } from './metric-objects.js';
import { statusPageHtml } from './status-page.js';
import { formatBytes, pictureToText, storagePicture, textBar, type PictureInput } from './storage-picture.js';
import type { Allocation, NodeView } from './types.js';

const Mi = 2 ** 20;
const view: NodeView = {
  nodeName: 'node-a',
  volumeGroups: [{ name: 'pool', capacityBytes: 1024 * Mi, usedBytes: 320 * Mi }],
  devices: [{ name: '/dev/vdc', capacityBytes: 2048 * Mi, mediaType: 'ssd', isTaken: true }],
  mountPoints: [],
};
const pv: PvRecord = { pvName: 'local-1', nodeName: 'node-a', pvType: 'LVM', storageName: 'pool', pvcName: 'data-web-0', pvcNamespace: 'demo', status: 'Bound', sizeBytes: 256 * Mi };
const inline: InlineRecord = { podUid: 'u1', podName: 'web-0', podNamespace: 'demo', nodeName: 'node-a', vgName: 'pool', volumeName: 'scratch', sizeBytes: 32 * Mi };
const charges = new Map<string, Map<string, Allocation>>([['node-a', new Map<string, Allocation>([
  ['pv:local-1', { kind: 'LVM', key: 'pv:local-1', sizeBytes: 256 * Mi, vgName: 'pool' }],
  ['inline:u1/scratch', { kind: 'LVM', key: 'inline:u1/scratch', sizeBytes: 32 * Mi, vgName: 'pool' }],
  ['demo/wal-web-0', { kind: 'LVM', key: 'demo/wal-web-0', sizeBytes: 32 * Mi, vgName: 'pool' }],
  ['pv:local-2', { kind: 'Device', key: 'pv:local-2', sizeBytes: 2048 * Mi, resourceName: '/dev/vdc', capacityBytes: 2048 * Mi }],
])]]);
const input: PictureInput = { views: [view], chargesByNode: charges, pvs: [pv], inline: [inline] };

describe('storagePicture', () => {
  it('names every claim on each VG and device: PVs by claim, inline volumes by pod, plans as planned', () => {
    expect(storagePicture(input)).toEqual([{
      name: 'node-a',
      resources: [
        { kind: 'VG', name: 'pool', usedBytes: 320 * Mi, allocatableBytes: 1024 * Mi, claims: ['demo/data-web-0', 'demo/wal-web-0 (planned)', 'demo/web-0/scratch (inline)'] },
        { kind: 'Device', name: '/dev/vdc', usedBytes: 2048 * Mi, allocatableBytes: 2048 * Mi, claims: ['local-2'] },
      ],
    }]);
  });
});

describe('text rendering', () => {
  it.each([
    { name: 'an empty resource is all dots', ratio: 0, want: '[..........]' },
    { name: 'a third rounds to three cells', ratio: 0.31, want: '[###.......]' },
    { name: 'over-charged is capped at full', ratio: 1.7, want: '[##########]' },
  ])('$name', ({ ratio, want }) => {
    expect(textBar(ratio, 10)).toBe(want);
  });

  it.each([
    { name: 'whole MiB', bytes: 256 * Mi, want: '256Mi' },
    { name: 'a fraction of a GiB', bytes: 1536 * Mi, want: '1.5Gi' },
    { name: 'zero', bytes: 0, want: '0' },
  ])('formats $name', ({ bytes, want }) => {
    expect(formatBytes(bytes)).toBe(want);
  });

  it('prints a bar per resource with its share, bytes and claims', () => {
    expect(pictureToText(storagePicture(input), 10).split('\n')).toEqual([
      'node-a',
      `  VG         pool                         [###.......]  31% 320Mi / 1Gi`,
      '      demo/data-web-0',
      '      demo/wal-web-0 (planned)',
      '      demo/web-0/scratch (inline)',
      `  Device     /dev/vdc                     [##########] 100% 2Gi / 2Gi`,
      '      local-2',
    ]);
  });

  it('says so when no node reports storage', () => {
    expect(pictureToText([])).toBe('no node has a NodeLocalStorage with storage yet');
  });
});

describe('statusPageHtml', () => {
  it('shows each node, resource and claim, escaping names', () => {
    const html = statusPageHtml([{ name: 'node-<a>', resources: [{ kind: 'VG', name: 'pool', usedBytes: 1, allocatableBytes: 2, claims: ['ns/"x"'] }] }], '2026-12-03T00:00:00Z');
    expect(html).toContain('<h2>node-&lt;a&gt;</h2>');
    expect(html).toContain('ns/&quot;x&quot;');
    expect(html).toContain('width:50%');
    expect(html).not.toContain('<script');
  });
});
