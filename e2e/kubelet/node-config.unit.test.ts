import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { renderCniConflist, renderContainerdConfig, renderKubeletConfig } from './node-config.js';

describe('guest node configs', () => {
  it('containerd uses our local sandbox image, runc without systemd, and Debian\'s CNI plugin dir', () => {
    const toml = renderContainerdConfig('example.test/pause:1');
    expect(toml).toMatch(/^version = 2$/m);
    expect(toml).toContain('sandbox_image = "example.test/pause:1"');
    expect(toml).toContain('SystemdCgroup = false');
    expect(toml).toContain('bin_dir = "/usr/lib/cni"');
  });

  it('the CNI network is loopback only', () => {
    expect(JSON.parse(renderCniConflist())).toMatchObject({ plugins: [{ type: 'loopback' }] });
  });

  it('kubelet uses cgroupfs, containerd\'s socket, and listens on loopback only', () => {
    const config = parse(renderKubeletConfig()) as Record<string, unknown>;
    expect(config).toMatchObject({
      kind: 'KubeletConfiguration',
      cgroupDriver: 'cgroupfs',
      containerRuntimeEndpoint: 'unix:///run/containerd/containerd.sock',
      address: '127.0.0.1',
      readOnlyPort: 0,
      authentication: { anonymous: { enabled: false } },
    });
    expect(config).not.toHaveProperty('failCgroupV1');
  });

  it('kubelet may run on a cgroup v1 host only when asked (failCgroupV1 defaults to true since 1.35)', () => {
    expect(parse(renderKubeletConfig({ allowCgroupV1: true }))).toMatchObject({ failCgroupV1: false });
  });
});
