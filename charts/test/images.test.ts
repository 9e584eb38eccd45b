// The chart as it runs from the per-component images (scripts/images, issue #14): one image value per component,
// Open-Local's one-image key still honoured, what lvm needs inside the node containers, health probes, and the
// values for clusters whose pods cannot reach Service IPs or DNS (the kubelet rung's node).
import { afterAll, describe, expect, it } from 'vitest';
import { containerOf, findObject, helmSkipReason, podSpecOf, removeHelmHome, renderChart, type RenderedObject } from './helm.js';

const skipReason = helmSkipReason();
if (skipReason) console.warn(`chart image tests skipped: ${skipReason}`);

interface Probe { httpGet: { path: string; port: number | string } }
type FullContainer = ReturnType<typeof containerOf> & { livenessProbe?: Probe; readinessProbe?: Probe; securityContext?: Record<string, unknown> };

const full = (object: RenderedObject, name: string) => containerOf(object, name) as FullContainer;

describe.skipIf(skipReason !== null)('chart open-local images and node mounts', () => {
  afterAll(() => removeHelmHome());

  it('gives each component its own image, and images.local (Open-Local\'s one image) replaces all four', async () => {
    const objects = await renderChart();
    const images = (o: RenderedObject[]) => ({
      agent: containerOf(findObject(o, 'DaemonSet', 'open-local-agent'), 'agent').image,
      node: containerOf(findObject(o, 'DaemonSet', 'open-local-csi-plugin'), 'csi-plugin').image,
      csiController: containerOf(findObject(o, 'Deployment', 'open-local-csi-controller'), 'csi-plugin').image,
      controller: containerOf(findObject(o, 'Deployment', 'open-local-controller'), 'controller').image,
      extender: containerOf(findObject(o, 'Deployment', 'open-local-scheduler-extender'), 'scheduler-extender').image,
    });
    expect(images(objects)).toEqual({
      agent: 'open-local/agent:0.1.0', node: 'open-local/csi-plugin:0.1.0', csiController: 'open-local/csi-plugin:0.1.0',
      controller: 'open-local/controller:0.1.0', extender: 'open-local/scheduler-extender:0.1.0',
    });
    const own = await renderChart(['images.agent.registry=reg.example.com:5000', 'images.extender.tag=0.1.0-rc1']);
    expect(images(own).agent).toBe('reg.example.com:5000/open-local/agent:0.1.0');
    expect(images(own).extender).toBe('open-local/scheduler-extender:0.1.0-rc1');
    const one = await renderChart(['images.local.image=ecp_builder/open-local', 'images.local.tag=v0.7.1', 'global.RegistryURL=mirror.example.com']);
    expect(new Set(Object.values(images(one)))).toEqual(new Set(['mirror.example.com/ecp_builder/open-local:v0.7.1']));
    // Every app container names its command, which each per-component image and the one image put on PATH.
    expect(containerOf(findObject(one, 'DaemonSet', 'open-local-agent'), 'agent').command).toEqual(['open-local-agent']);
  });

  it('mounts what lvm needs into both node containers: /dev, /sys, /run/lvm, the host\'s /etc/lvm and its lock dir', async () => {
    const objects = await renderChart();
    for (const [kind, name, container, sysPath] of [['DaemonSet', 'open-local-agent', 'agent', '/host_sys'], ['DaemonSet', 'open-local-csi-plugin', 'csi-plugin', '/sys']] as const) {
      const ds = findObject(objects, kind, name);
      const mounts = new Map((containerOf(ds, container).volumeMounts ?? []).map((m) => [m.mountPath, m.name]));
      const volumes = new Map((podSpecOf(ds).volumes ?? []).map((v) => [v.name, v.hostPath?.path]));
      const pairs: [string, string][] = [['/dev', '/dev'], [sysPath, '/sys'], ['/run/lvm', '/run/lvm'], ['/etc/lvm', '/etc/lvm'], ['/run/lock/lvm', '/run/lock/lvm']];
      for (const [path, host] of pairs) {
        expect(volumes.get(mounts.get(path) ?? ''), `${name} ${path}`).toBe(host);
      }
      expect(full(ds, container).securityContext).toEqual({ privileged: true });
      // The container's start-up check (nodePreflight in @openlocal/lvm) verifies exactly these are the host's.
      expect(containerOf(ds, container).env).toContainEqual({ name: 'OPENLOCAL_HOST_PATHS', value: '/dev,/run/lvm,/etc/lvm' });
    }
    const plugin = containerOf(findObject(objects, 'DaemonSet', 'open-local-csi-plugin'), 'csi-plugin');
    expect(plugin.volumeMounts).toContainEqual({ name: 'kubelet-dir', mountPath: '/var/lib/kubelet', mountPropagation: 'Bidirectional' });
  });

  it('probes every app on its health endpoints and port', async () => {
    const objects = await renderChart();
    const probes = (object: RenderedObject, name: string) => {
      const c = full(object, name);
      return [c.livenessProbe?.httpGet, c.readinessProbe?.httpGet];
    };
    expect(probes(findObject(objects, 'DaemonSet', 'open-local-agent'), 'agent')).toEqual([{ path: '/healthz', port: 9101 }, { path: '/readyz', port: 9101 }]);
    expect(probes(findObject(objects, 'DaemonSet', 'open-local-csi-plugin'), 'csi-plugin')).toEqual([{ path: '/healthz', port: 9102 }, { path: '/readyz', port: 9102 }]);
    expect(probes(findObject(objects, 'Deployment', 'open-local-controller'), 'controller')).toEqual([{ path: '/healthz', port: 'http' }, { path: '/readyz', port: 'http' }]);
    expect(probes(findObject(objects, 'Deployment', 'open-local-scheduler-extender'), 'scheduler-extender')).toEqual([{ path: '/healthz', port: 'http-port', scheme: 'HTTP' }, { path: '/readyz', port: 'http-port', scheme: 'HTTP' }]);
    // Each app gets probes.startupSeconds (default 300) to answer /healthz before liveness applies.
    for (const [kind, name, container] of [['DaemonSet', 'open-local-agent', 'agent'], ['DaemonSet', 'open-local-csi-plugin', 'csi-plugin'], ['Deployment', 'open-local-controller', 'controller'], ['Deployment', 'open-local-csi-controller', 'csi-plugin'], ['Deployment', 'open-local-scheduler-extender', 'scheduler-extender']] as const) {
      const probe = (full(findObject(objects, kind, name), container) as FullContainer & { startupProbe?: Probe & { periodSeconds: number; failureThreshold: number } }).startupProbe;
      expect(probe, name).toMatchObject({ httpGet: { path: '/healthz' }, periodSeconds: 5, failureThreshold: 60 });
    }
    const slow = await renderChart(['probes.startupSeconds=600']);
    expect((full(findObject(slow, 'DaemonSet', 'open-local-agent'), 'agent') as FullContainer & { startupProbe?: { failureThreshold: number } }).startupProbe?.failureThreshold).toBe(120);
    // Every probe of every app waits probes.timeoutSeconds (default 5; Kubernetes' 1 s made a busy node's agent
    // miss three liveness probes in a row and be restarted on the kubelet rung).
    type Probed = FullContainer & { startupProbe?: { timeoutSeconds?: number }; livenessProbe?: { timeoutSeconds?: number }; readinessProbe?: { timeoutSeconds?: number } };
    const timeouts = (rendered: typeof objects) => [['DaemonSet', 'open-local-agent', 'agent'], ['DaemonSet', 'open-local-csi-plugin', 'csi-plugin'], ['Deployment', 'open-local-controller', 'controller'], ['Deployment', 'open-local-csi-controller', 'csi-plugin'], ['Deployment', 'open-local-scheduler-extender', 'scheduler-extender']]
      .flatMap(([kind, name, container]) => { const c = full(findObject(rendered, kind as string, name as string), container as string) as Probed; return [c.startupProbe, c.livenessProbe, c.readinessProbe].filter((p) => p !== undefined).map((p) => p.timeoutSeconds); });
    expect(timeouts(objects)).toEqual(Array.from({ length: 14 }, () => 5));
    expect(new Set(timeouts(await renderChart(['probes.timeoutSeconds=9'])))).toEqual(new Set([9]));
    const csiController = findObject(objects, 'Deployment', 'open-local-csi-controller');
    expect(containerOf(csiController, 'csi-plugin').args).toContain('--metrics-port=9103');
    expect(full(csiController, 'csi-plugin').livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
  });

  it('runs the extender and controller as non-root without privileges', async () => {
    const objects = await renderChart();
    for (const [name, container] of [['open-local-controller', 'controller'], ['open-local-scheduler-extender', 'scheduler-extender']] as const) {
      expect(full(findObject(objects, 'Deployment', name), container).securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, allowPrivilegeEscalation: false });
    }
  });

  it('runs the extender with extender.nodeOptions as NODE_OPTIONS, none by default, and refuses a word that is no option', async () => {
    const extender = (o: RenderedObject[]) => containerOf(findObject(o, 'Deployment', 'open-local-scheduler-extender'), 'scheduler-extender');
    const nodeOptions = (o: RenderedObject[]) => (extender(o).env ?? []).filter((e) => e.name === 'NODE_OPTIONS').map((e) => e.value);
    expect(extender(await renderChart()).env).toBeUndefined();
    expect(nodeOptions(await renderChart(['extender.nodeOptions=--max-semi-space-size=1 --max-old-space-size=400']))).toEqual(['--max-semi-space-size=1 --max-old-space-size=400']);
    expect(nodeOptions(await renderChart(['apiServer.host=10.0.2.2', 'apiServer.port=6443', 'extender.nodeOptions=--max-semi-space-size=1']))).toEqual(['--max-semi-space-size=1']);
    await expect(renderChart(['extender.nodeOptions=max-semi-space-size=1'])).rejects.toThrow('extender.nodeOptions: each option must start with --, got "max-semi-space-size=1"');
  });

    it('points every container at apiServer.host/port, uses the node network and csi.extender_url when asked, and not by default', async () => {
    const defaults = await renderChart();
    const envNames = (o: RenderedObject[]) => o.filter((x) => x.kind === 'DaemonSet' || x.kind === 'Deployment').flatMap((x) => podSpecOf(x).containers.map((c) => [x.metadata.name, c.name, (c.env ?? []).filter((e) => e.name.startsWith('KUBERNETES_SERVICE_')).map((e) => `${e.name}=${e.value}`)] as const));
    expect(envNames(defaults).every(([, , env]) => env.length === 0)).toBe(true);
    for (const name of ['open-local-controller', 'open-local-csi-controller', 'open-local-scheduler-extender']) expect(podSpecOf(findObject(defaults, 'Deployment', name)).hostNetwork, name).toBeUndefined();

    const rung = await renderChart(['apiServer.host=10.0.2.2', 'apiServer.port=6443', 'controller.hostNetwork=true', 'extender.hostNetwork=true', 'csi.extender_url=http://127.0.0.1:23000', 'snapshot.enabled=false']);
    const ours = envNames(rung);
    expect(ours.length).toBeGreaterThanOrEqual(7);
    for (const [object, container, env] of ours) expect(env, `${object}/${container}`).toEqual(['KUBERNETES_SERVICE_HOST=10.0.2.2', 'KUBERNETES_SERVICE_PORT=6443']);
    for (const name of ['open-local-controller', 'open-local-csi-controller', 'open-local-scheduler-extender']) {
      expect(podSpecOf(findObject(rung, 'Deployment', name))).toMatchObject({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' });
    }
    expect(containerOf(findObject(rung, 'DaemonSet', 'open-local-csi-plugin'), 'csi-plugin').args).toContain('--extender-url=http://127.0.0.1:23000');
  });
});
