import { describe, expect, it } from 'vitest';
import { parseDemoArgs } from './cli.js';
import { demoNodes } from './run.js';
import { nlsTable } from './state.js';
import { renderTable } from './table.js';

describe('parseDemoArgs', () => {
  it('defaults to three nodes, running until stopped', () => {
    expect(parseDemoArgs([])).toEqual({ once: false, nodes: 3, statusIntervalS: 10 });
  });

  it('reads --once, --nodes and --status-interval', () => {
    expect(parseDemoArgs(['--once', '--nodes', '5', '--status-interval', '10'])).toEqual({ once: true, nodes: 5, statusIntervalS: 10 });
  });

  it.each([
    { name: 'zero nodes', argv: ['--nodes', '0'], message: '--nodes must be an integer from 1 to 10, got "0"' },
    { name: 'a non-number', argv: ['--nodes', 'three'], message: '--nodes must be an integer from 1 to 10, got "three"' },
    { name: 'a too short interval', argv: ['--status-interval', '1'], message: '--status-interval must be an integer from 2 to 3600, got "1"' },
    { name: 'an unknown flag', argv: ['--forever'], message: "Unknown option '--forever'" },
  ])('refuses $name', ({ argv, message }) => {
    expect(() => parseDemoArgs(argv)).toThrow(message);
  });

  it('answers help for -h', () => {
    expect(parseDemoArgs(['-h'])).toBe('help');
  });
});

describe('demo tables', () => {
  it('pads columns to the widest cell', () => {
    expect(renderTable(['A', 'BB'], [['long-cell', 'x'], ['s', 'yy']])).toBe('A          BB\nlong-cell  x\ns          yy');
  });

  it('shows one row per VG with total, used (total minus free), allocatable and LV count', () => {
    const table = nlsTable([
      {
        metadata: { name: 'node-a' },
        status: {
          nodeStorageInfo: {
            phase: 'Running', state: { type: 'DiskReady' },
            volumeGroups: [{ name: 'pool', total: 1528 * 2 ** 20, available: 1208 * 2 ** 20, allocatable: 1528 * 2 ** 20, logicalVolumes: [{ name: 'local-1' }, { name: 'local-2' }] }],
          },
        },
      },
    ]);
    expect(table.split('\n')[1]).toMatch(/^node-a\s+DiskReady\s+Running\s+pool\s+1528Mi\s+320Mi\s+1528Mi\s+2$/);
  });

  it('says when no NLS exists yet', () => {
    expect(nlsTable([])).toContain('(none yet');
  });
});

describe('demoNodes', () => {
  it('names nodes node-a, node-b, node-c with zones', () => {
    expect(demoNodes(3).map((node) => `${node.name}:${node.labels?.['topology.kubernetes.io/zone']}`)).toEqual(['node-a:zone-1', 'node-b:zone-1', 'node-c:zone-2']);
  });
});
