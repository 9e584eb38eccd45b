// Values the chart must refuse: each fails `helm template` before anything renders, with the key and the value
// in the message (templates/_validate.tpl).
import { afterAll, describe, expect, it } from 'vitest';
import { CHART_DIR, helmSkipReason, KUBE_VERSION, removeHelmHome, runHelm } from './helm.js';

const skipReason = helmSkipReason();
if (skipReason) console.warn(`chart values tests skipped: ${skipReason}`);

describe.skipIf(skipReason !== null)('chart open-local refuses bad values', () => {
  afterAll(() => removeHelmHome());

  it.each([
    { name: 'unknown strategy', set: 'extender.strategy=fast', want: 'extender.strategy must be binpack or spread, got "fast"' },
    { name: 'port above 65535', set: 'extender.port=70000', want: 'extender.port must be an integer port between 1 and 65535, got 70000' },
    { name: 'port 0', set: 'extender.port=0', want: 'extender.port must be an integer port between 1 and 65535, got 0' },
    { name: 'port not a number', set: 'extender.port=http', want: 'extender.port must be an integer port between 1 and 65535, got "http"' },
    { name: 'empty driver', set: 'driver=', want: 'driver must not be empty' },
    { name: 'driver not a DNS name', set: 'driver=Local_CSI', want: 'driver must be a DNS subdomain such as local.csi.aliyun.com, got "Local_CSI"' },
    { name: 'name not a DNS label', set: 'name=Open_Local', want: 'name must be a DNS label (lower-case letters, digits, \'-\'), got "Open_Local"' },
    { name: 'update_nls not a boolean', set: 'controller.update_nls=yes', want: 'controller.update_nls must be "true" or "false", got "yes"' },
    { name: 'device outside /dev', set: 'agent.device=/tmp/disk', want: 'agent.device must be empty or a device path under /dev, got "/tmp/disk"' },
    { name: 'relative kubelet_dir', set: 'agent.kubelet_dir=var/lib/kubelet', want: 'agent.kubelet_dir must be an absolute path' },
    { name: 'kubelet_dir with a shell character', set: 'agent.kubelet_dir=/var/lib/kubelet;rm', want: 'got "/var/lib/kubelet;rm"' },
    { name: 'zero controller replicas', set: 'controller.replicas=0', want: 'controller.replicas must be an integer >= 1, got 0' },
    { name: 'negative orphan grace', set: 'agent.orphans.graceSeconds=-5', want: 'agent.orphans.graceSeconds must be an integer >= 0, got -5' },
    { name: 'unknown pull policy', set: 'images.pullPolicy=Sometimes', want: 'images.pullPolicy must be Always, IfNotPresent or Never, got "Sometimes"' },
    { name: 'clusterIP not an IP', set: 'extender.clusterIP=extender', want: 'extender.clusterIP must be empty or an IP address, got "extender"' },
    { name: 'same metrics port twice', set: 'csi.metrics_port=9101', want: 'agent.metrics_port and csi.metrics_port must differ' },
    { name: 'prefix with upper case', set: 'agent.volume_name_prefix=Local', want: 'agent.volume_name_prefix must be lower-case letters' },
    { name: 'image tag with a space', set: 'images.agent.tag=v1 x', want: 'images.agent.tag must be an image tag, got "v1 x"' },
    { name: 'missing agent image', set: 'images.agent.image=', want: 'images.agent.image must not be empty: name the agent image (bash scripts/images builds it' },
    { name: 'missing extender tag', set: 'images.extender.tag=', want: 'images.extender.tag must not be empty: the scheduler extender image\'s tag' },
    { name: 'image name with a tag in it', set: 'images.controller.image=open-local/controller:1', want: 'images.controller.image must be an image name (lower-case, no tag), got "open-local/controller:1"' },
    { name: 'upper-case plugin image', set: 'images.csi_plugin.image=Open-Local/CSI', want: 'images.csi_plugin.image must be an image name (lower-case, no tag), got "Open-Local/CSI"' },
    { name: 'Open-Local one image with a bad tag', set: 'images.local.image=ecp_builder/open-local,images.local.tag=v0.7.1;x', want: 'images.local.tag must be an image tag, got "v0.7.1;x"' },
    { name: 'missing sidecar image', set: 'images.provisioner.image=', want: 'images.provisioner.image must not be empty: name the csi-provisioner image' },
    { name: 'extender_url with a path', set: 'csi.extender_url=http://127.0.0.1:23000/scheduler', want: 'csi.extender_url must be empty or an http(s) URL with no path' },
    { name: 'startup window too short', set: 'probes.startupSeconds=2', want: 'probes.startupSeconds must be an integer >= 5, got 2' },
    { name: 'probe timeout of zero', set: 'probes.timeoutSeconds=0', want: 'probes.timeoutSeconds must be an integer >= 1, got 0' },
    { name: 'apiServer without a port', set: 'apiServer.host=10.0.2.2', want: 'apiServer.port must be an integer port between 1 and 65535, got ""' },
    { name: 'apiServer host with a space', set: 'apiServer.host=a b,apiServer.port=6443', want: 'apiServer.host must be empty or a host name or IP address, got "a b"' },
  ])('$name fails helm template naming the value', async ({ set, want }) => {
    const result = await runHelm(['template', 'open-local', CHART_DIR, '--kube-version', KUBE_VERSION, '--set', set]);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain(want);
  });

  it('refuses a fractional port (a YAML or JSON number)', async () => {
    const result = await runHelm(['template', 'open-local', CHART_DIR, '--kube-version', KUBE_VERSION, '--set-json', 'extender.port=23000.5']);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain('extender.port must be an integer port between 1 and 65535, got 23000.5');
  });
});
