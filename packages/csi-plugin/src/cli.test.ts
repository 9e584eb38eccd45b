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
    { name: 'a relative --kubelet-registration-path', flags: ['--nodeid', 'n', '--kubelet-registration-path', 'plugins/csi.sock'], want: '--kubelet-registration-path "plugins/csi.sock" must be an absolute path' },
    { name: 'a unix:// URL as --kubelet-registration-path', flags: ['--nodeid', 'n', '--kubelet-registration-path', 'unix:///csi/csi.sock'], want: '--kubelet-registration-path "unix:///csi/csi.sock" must be an absolute path without a scheme' },
    { name: 'a relative --registration-dir', flags: ['--nodeid', 'n', '--registration-dir', 'registry'], want: '--registration-dir "registry" must be an absolute path (or - to turn registration off)' },
    { name: 'a registration socket path too long to bind', flags: ['--nodeid', 'n', '--registration-dir', `/${'d'.repeat(90)}`], want: 'unix sockets allow at most 107' },
    { name: 'an endpoint socket path too long to bind', flags: ['--nodeid', 'n', '--endpoint', `unix:///${'e'.repeat(110)}.sock`], want: '--endpoint "unix:///eee' },
  ])('refuses $name', ({ flags, want }) => {
    expect(() => parseConfig(argv(...flags))).toThrow(want);
  });

  it.each([
    { name: 'registers under <kubelet-dir>/plugins_registry and reports the --endpoint path by default', flags: ['--endpoint', 'unix:///k/plugins/d/csi.sock', '--kubelet-dir', '/k/'], want: { registrationDir: '/k/plugins_registry', kubeletRegistrationPath: '/k/plugins/d/csi.sock' } },
    { name: '"-" turns registration off', flags: ['--registration-dir', '-'], want: { registrationDir: '' } },
    { name: 'an empty --registration-dir turns it off too', flags: ['--registration-dir', ''], want: { registrationDir: '' } },
    { name: 'the kubelet-side path given explicitly wins', flags: ['--kubelet-registration-path', '/var/lib/kubelet/plugins/local.csi.aliyun.com/csi.sock'], want: { kubeletRegistrationPath: '/var/lib/kubelet/plugins/local.csi.aliyun.com/csi.sock' } },
  ])('registration: $name', ({ flags, want }) => {
    expect(parseConfig(argv('--nodeid', 'n', ...flags))).toMatchObject(want);
  });

  it('controller mode needs no node id', () => {
    expect(parseConfig(argv('--mode', 'controller')).mode).toBe('controller');
  });
});
