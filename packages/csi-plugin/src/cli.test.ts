import { describe, expect, it } from 'vitest';
import { parseConfig } from './cli.js';

const argv = (...flags: string[]) => ['node', 'csi-plugin', ...flags];

describe('parseConfig', () => {
  it('fills the documented defaults', () => {
    const config = parseConfig(argv('--nodeid', 'n1'));
    expect(config).toMatchObject({
      endpoint: 'unix:///csi/csi.sock',
      mode: 'node',
      driver: 'local.csi.aliyun.com',
      kubeletDir: '/var/lib/kubelet',
      stateDir: '/var/lib/kubelet/plugins/local.csi.aliyun.com/claims',
      maxVolumesPerNode: 256,
      metricsHost: '0.0.0.0',
      metricsPort: 9102,
    });
    expect(config.deviceRegexp.test('sdb')).toBe(true);
  });

  it.each([
    { name: 'node mode without --nodeid', flags: [], want: '--nodeid is required in node mode' },
    { name: 'an invalid --device-regexp', flags: ['--nodeid', 'n', '--device-regexp', '(('], want: '--device-regexp "((" is not a valid regular expression' },
    { name: 'a tcp endpoint', flags: ['--nodeid', 'n', '--endpoint', 'tcp://0.0.0.0:1736'], want: '--endpoint must look like unix:///csi/csi.sock' },
    { name: 'another driver name', flags: ['--nodeid', 'n', '--driver', 'x.csi.io'], want: '--driver must be local.csi.aliyun.com' },
    { name: 'a relative kubelet dir', flags: ['--nodeid', 'n', '--kubelet-dir', 'kubelet'], want: '--kubelet-dir must be an absolute path' },
  ])('refuses $name', ({ flags, want }) => {
    expect(() => parseConfig(argv(...flags))).toThrow(want);
  });

  it('controller mode needs no node id', () => {
    expect(parseConfig(argv('--mode', 'controller')).mode).toBe('controller');
  });
});
