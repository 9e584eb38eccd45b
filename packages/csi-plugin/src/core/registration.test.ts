import { describe, expect, it } from 'vitest';
import { planRegistration, readRegistrationStatus, registrationSocketPath, socketPathProblem, type RegistrationSettings } from './registration.js';

const node: RegistrationSettings = {
  mode: 'node',
  driver: 'local.csi.aliyun.com',
  registrationDir: '/var/lib/kubelet/plugins_registry',
  kubeletRegistrationPath: '/var/lib/kubelet/plugins/local.csi.aliyun.com/csi.sock',
  kubeletDir: '/var/lib/kubelet',
};

describe('planRegistration', () => {
  it('in node mode serves <driver>-reg.sock and reports a CSIPlugin at the kubelet-side socket path, CSI 1.0.0', () => {
    expect(planRegistration(node)).toEqual({
      isEnabled: true,
      socketPath: '/var/lib/kubelet/plugins_registry/local.csi.aliyun.com-reg.sock',
      info: { type: 'CSIPlugin', name: 'local.csi.aliyun.com', endpoint: '/var/lib/kubelet/plugins/local.csi.aliyun.com/csi.sock', supported_versions: ['1.0.0'] },
      warnings: [],
    });
  });

  it.each([
    { name: 'controller mode never registers', settings: { ...node, mode: 'controller' as const }, want: /controller mode/ },
    { name: 'an empty registration dir turns it off and says a registrar must do it', settings: { ...node, registrationDir: '' }, want: /node-driver-registrar/ },
  ])('$name', ({ settings, want }) => {
    const plan = planRegistration(settings);
    expect(plan.isEnabled).toBe(false);
    if (!plan.isEnabled) expect(plan.reason).toMatch(want);
  });

  it('normalises the reported endpoint so kubelet gets one canonical path', () => {
    const plan = planRegistration({ ...node, kubeletRegistrationPath: '/var/lib/kubelet//plugins/x/../local.csi.aliyun.com/csi.sock' });
    expect(plan.isEnabled && plan.info.endpoint).toBe('/var/lib/kubelet/plugins/local.csi.aliyun.com/csi.sock');
  });

  it('warns when kubelet would dial a path outside its directory (a container path left as the default)', () => {
    const plan = planRegistration({ ...node, kubeletRegistrationPath: '/csi/csi.sock' });
    expect(plan.isEnabled && plan.warnings).toEqual([expect.stringContaining('set --kubelet-registration-path')]);
  });
});

describe('registrationSocketPath and socketPathProblem', () => {
  it.each([
    { name: 'joins without doubling slashes', dir: '/r/', want: '/r/local.csi.aliyun.com-reg.sock' },
    { name: 'plain dir', dir: '/var/lib/kubelet/plugins_registry', want: '/var/lib/kubelet/plugins_registry/local.csi.aliyun.com-reg.sock' },
  ])('$name', ({ dir, want }) => {
    expect(registrationSocketPath(dir, 'local.csi.aliyun.com')).toBe(want);
  });

  it.each([
    { name: '107 bytes can be bound', path: `/${'a'.repeat(106)}`, want: null },
    { name: '108 bytes cannot', path: `/${'a'.repeat(107)}`, want: /108 bytes; unix sockets allow at most 107/ },
    { name: 'bytes, not characters, count', path: `/${'é'.repeat(54)}`, want: /109 bytes/ },
  ])('$name', ({ path, want }) => {
    const problem = socketPathProblem(path);
    if (want === null) expect(problem).toBeNull();
    else expect(problem).toMatch(want);
  });
});

describe('readRegistrationStatus', () => {
  it.each([
    { name: 'registered', status: { plugin_registered: true, error: '' }, want: { isRegistered: true } },
    { name: 'refused keeps kubelet\'s text', status: { plugin_registered: false, error: 'version 2.0.0 unsupported' }, want: { isRegistered: false, reason: 'version 2.0.0 unsupported' } },
    { name: 'refused without text still has a reason', status: { plugin_registered: false, error: '' }, want: { isRegistered: false, reason: 'kubelet sent no reason' } },
  ])('$name', ({ status, want }) => {
    expect(readRegistrationStatus(status)).toEqual(want);
  });
});
