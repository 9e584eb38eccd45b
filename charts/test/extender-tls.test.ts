// extender.tls (issue #16): with it the extender serves HTTPS and wants kube-scheduler's client certificate,
// the shipped scheduler configuration carries the extender tlsConfig, probes and the node plugin use https and
// the plugin trusts only the CA from the Secret; without it nothing changes. Bad values fail naming the key.
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { CHART_DIR, containerOf, findObject, helmSkipReason, KUBE_VERSION, podSpecOf, removeHelmHome, renderChart, runHelm } from './helm.js';

const skipReason = helmSkipReason();
if (skipReason) console.warn(`chart extender-tls tests skipped: ${skipReason}`);

const TLS = ['extender.tls.enabled=true', 'extender.tls.secretName=open-local-extender-tls'];

describe.skipIf(skipReason !== null)('chart extender.tls', () => {
  afterAll(() => removeHelmHome());

  it('serves HTTPS with client-certificate verification from the Secret, probes over HTTPS', async () => {
    const objects = await renderChart(TLS);
    const deployment = findObject(objects, 'Deployment', 'open-local-scheduler-extender');
    const container = containerOf(deployment, 'scheduler-extender') as ReturnType<typeof containerOf> & { readinessProbe: { httpGet: { scheme: string } }; livenessProbe: { httpGet: { scheme: string } } };
    expect(container.args).toEqual(expect.arrayContaining([
      '--tls-cert-file=/etc/open-local/tls/tls.crt', '--tls-private-key-file=/etc/open-local/tls/tls.key', '--tls-client-ca-file=/etc/open-local/tls/ca.crt',
    ]));
    expect(container.volumeMounts).toEqual([{ name: 'tls', mountPath: '/etc/open-local/tls', readOnly: true }]);
    expect(podSpecOf(deployment).volumes).toEqual([{ name: 'tls', secret: { secretName: 'open-local-extender-tls' } }]);
    expect([container.readinessProbe.httpGet.scheme, container.livenessProbe.httpGet.scheme]).toEqual(['HTTPS', 'HTTPS']);
  });

  it("ships kube-scheduler's extender tlsConfig and an https urlPrefix", async () => {
    const objects = await renderChart([...TLS, 'extender.tls.serverName=extender.example']);
    const data = findObject(objects, 'ConfigMap', 'open-local-scheduler-config').data as Record<string, string>;
    const stanza = (parse(data['extenders.yaml'] ?? '') as { extenders: Record<string, unknown>[] }).extenders[0];
    expect(stanza).toMatchObject({
      urlPrefix: 'https://open-local-scheduler-extender.kube-system:23000/scheduler',
      tlsConfig: {
        certFile: '/etc/kubernetes/pki/open-local-scheduler-client.crt',
        keyFile: '/etc/kubernetes/pki/open-local-scheduler-client.key',
        caFile: '/etc/kubernetes/pki/open-local-ca.crt',
        serverName: 'extender.example',
      },
    });
    expect(parse(data['kube-scheduler-config.yaml'] ?? '')).toMatchObject({ extenders: [stanza] });
  });

  it('points the node plugin at https and trusts the CA of the Secret (and only that key of it)', async () => {
    const objects = await renderChart(TLS);
    const daemonSet = objects.find((o) => o.kind === 'DaemonSet' && podSpecOf(o).containers.some((c) => c.name === 'csi-plugin'));
    if (daemonSet === undefined) throw new Error('no csi-plugin DaemonSet');
    const plugin = containerOf(daemonSet, 'csi-plugin');
    expect(plugin.args).toContain('--extender-url=https://open-local-scheduler-extender.kube-system:23000');
    expect(plugin.env).toContainEqual({ name: 'NODE_EXTRA_CA_CERTS', value: '/etc/open-local/extender-ca/ca.crt' });
    expect(podSpecOf(daemonSet).volumes).toContainEqual({ name: 'extender-ca', secret: { secretName: 'open-local-extender-tls', items: [{ key: 'ca.crt', path: 'ca.crt' }] } });
  });

  it('changes nothing when off', async () => {
    const objects = await renderChart();
    const container = containerOf(findObject(objects, 'Deployment', 'open-local-scheduler-extender'), 'scheduler-extender');
    expect(container.args?.some((a) => a.startsWith('--tls'))).toBe(false);
    const data = findObject(objects, 'ConfigMap', 'open-local-scheduler-config').data as Record<string, string>;
    expect(data['extenders.yaml']).not.toContain('tlsConfig');
    expect(data['extenders.yaml']).toContain('urlPrefix: http://');
  });

  it.each([
    { sets: ['extender.tls.enabled=true'], want: 'extender.tls.secretName must be the name of a Secret with tls.crt, tls.key and ca.crt (required with extender.tls.enabled), got ""' },
    { sets: [...TLS, 'extender.tls.schedulerCaFile=ca.crt'], want: 'extender.tls.schedulerCaFile must be an absolute path on the kube-scheduler host, got "ca.crt"' },
  ])('refuses $sets naming the key', async ({ sets, want }) => {
    const result = await runHelm(['template', 'open-local', CHART_DIR, '--kube-version', KUBE_VERSION, ...sets.flatMap((s) => ['--set', s])]);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain(want);
  });

  it('passes helm lint --strict with TLS on', async () => {
    const result = await runHelm(['lint', CHART_DIR, '--strict', '--kube-version', KUBE_VERSION, ...TLS.flatMap((s) => ['--set', s])]);
    expect(result.stdout).not.toMatch(/\[(WARNING|ERROR)\]/);
    expect(result.exitCode).toBe(0);
  });
});
