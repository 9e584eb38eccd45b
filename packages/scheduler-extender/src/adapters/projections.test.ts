// The informers' projections keep everything the extender reads: a cluster state and the metric objects fed
// projected objects equal those fed the objects as the API server sends them, and the projections drop what
// nobody reads (containers, foreign annotations, LV lists, managed fields).
import { ANNOTATIONS, PROVISIONER_NAMES } from '@openlocal/crd-types';
import { describe, expect, it } from 'vitest';
import { ClusterState } from '../core/cluster-state.js';
import type { NlsShape, PodShape, PvShape, PvcShape } from '../core/k8s-shapes.js';
import { MetricObjects } from '../core/metric-objects.js';
import { inlineVolume, nls, pod, pv, pvc, storageClass } from '../test-support/builders.js';
import { projectNls, projectPod, projectPv, projectPvc, projectStorageClass } from './projections.js';

const FOREIGN = { 'kubectl.kubernetes.io/last-applied-configuration': '{"big":"x"}', 'example.com/note': 'n' };
const MANAGED = [{ manager: 'kube-controller-manager', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': {} } }];

/** What the API server adds around the fields the builders write. */
function asServed<T extends { metadata?: object }>(object: T, extra: Record<string, unknown> = {}): T {
  const metadata = { ...object.metadata, resourceVersion: '42', creationTimestamp: '2026-12-03T10:00:00Z', managedFields: MANAGED, labels: { app: 'x' } } as Record<string, unknown>;
  metadata['annotations'] = { ...(metadata['annotations'] as Record<string, string> | undefined), ...FOREIGN };
  return { apiVersion: 'v1', kind: 'Thing', ...object, ...extra, metadata } as T;
}

function served(): { nlsList: NlsShape[]; pvs: PvShape[]; claims: PvcShape[]; pods: PodShape[] } {
  const node = asServed(nls('n1', { vgs: { pool: 100, fast: 20 }, devices: [{ name: '/dev/vdc', gi: 50, mediaType: 'ssd' }], mountPoints: [{ name: '/mnt/a', gi: 10, device: '/dev/vdd' }] }));
  const vgs = node.status?.nodeStorageInfo?.volumeGroups ?? [];
  for (const vg of vgs) Object.assign(vg, { total: 1, available: 1, physicalVolumes: ['/dev/vdb'], logicalVolumes: [{ name: 'lv', vgname: vg.name, total: 1 }] });
  const boundPv = asServed(pv('pv-1', 'n1', { vgName: 'pool', size: '10Gi', claim: 'ns/a' }), { status: { phase: 'Bound' } });
  const allocated = asServed(pv('pv-2', 'n1', { device: '/dev/vdc', size: '50Gi', claim: 'ns/d' }));
  allocated.metadata = { ...allocated.metadata, annotations: { ...allocated.metadata?.annotations, [ANNOTATIONS.pvAllocated]: '{"deviceName":"/dev/vdc","volumeType":"Device"}' } };
  const claims = [asServed(pvc('ns/a', 'lvm', '10Gi', { volumeName: 'pv-1' })), asServed(pvc('ns/b', 'lvm', '5Gi', { selectedNode: 'n1' })), asServed(pvc('ns/c', 'lvm', '7Gi'))];
  const containers = { containers: [{ name: 'app', image: 'x', env: [{ name: 'A', value: 'B' }] }] };
  const withClaims = asServed(pod('ns/p', ['ns/b', 'ns/c']), { status: { phase: 'Pending', conditions: [{ type: 'PodScheduled' }] } });
  Object.assign(withClaims.spec ?? {}, containers);
  const inline = asServed(pod('ns/q', [], [inlineVolume('scratch', { vgName: 'fast', size: '2Gi' }), { name: 'token', projected: { sources: [] } } as never], 'n1'), { status: { phase: 'Running' } });
  return { nlsList: [node], pvs: [boundPv, allocated], claims, pods: [withClaims, inline] };
}

function feed(objects: ReturnType<typeof served>): { state: ClusterState; metrics: MetricObjects } {
  const state = new ClusterState({ driverNames: PROVISIONER_NAMES, strategy: 'binpack' });
  const metrics = new MetricObjects(PROVISIONER_NAMES);
  state.upsertStorageClass(projectStorageClass(asServed(storageClass('lvm', { volumeType: 'LVM' }))));
  for (const item of objects.nlsList) state.upsertNls(item, 0);
  for (const item of objects.pvs) {
    state.upsertPv(item, 0);
    metrics.upsertPv(item);
  }
  for (const item of objects.claims) state.upsertPvc(item, 0);
  for (const item of objects.pods) {
    state.upsertPod(item, 0);
    metrics.upsertPod(item);
  }
  state.rebuildPlans(0);
  return { state, metrics };
}

describe('informer projections', () => {
  it('keep every fact the cluster state and the metric objects derive', () => {
    const full = feed(served());
    const original = served();
    const projected = feed({ nlsList: original.nlsList.map(projectNls), pvs: original.pvs.map(projectPv), claims: original.claims.map(projectPvc), pods: original.pods.map(projectPod) });
    expect(projected.state.snapshot()).toEqual(full.state.snapshot());
    expect(projected.state.counts()).toEqual({ nodes: 1, claims: 3, pvs: 2, pods: 2, plans: 2 });
    expect(projected.state.demandOf(projectPod(original.pods[0] as PodShape))).toEqual(full.state.demandOf(original.pods[0] as PodShape));
    expect(projected.metrics).toEqual(full.metrics);
  });

  it('drop what nobody reads and keep the cache identity', () => {
    const { nlsList, pvs, claims, pods } = served();
    const claim = projectPvc(claims[1] as PvcShape) as PvcShape & { metadata: Record<string, unknown> };
    expect(claim.metadata).toEqual({ name: 'b', namespace: 'ns', resourceVersion: '42', annotations: { [ANNOTATIONS.selectedNode]: 'n1' } });
    const node = projectNls(nlsList[0] as NlsShape);
    expect(node.status?.nodeStorageInfo?.volumeGroups).toEqual([{ name: 'pool', allocatable: 100 * 2 ** 30 }, { name: 'fast', allocatable: 20 * 2 ** 30 }]);
    const projectedPod = projectPod(pods[1] as PodShape) as PodShape & { spec: Record<string, unknown> };
    expect(projectedPod.spec['containers']).toBeUndefined();
    expect(projectedPod.spec.volumes?.map((v) => v.name)).toEqual(['scratch', 'token']);
    expect(projectedPod.spec.volumes?.[1]).toEqual({ name: 'token' });
    expect(JSON.stringify(projectPv(pvs[0] as PvShape))).not.toContain('managedFields');
    expect(JSON.stringify(projectPv(pvs[1] as PvShape))).toContain(ANNOTATIONS.pvAllocated);
  });
});
