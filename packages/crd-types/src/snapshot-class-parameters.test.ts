import { describe, expect, it } from 'vitest';
import { parseSnapshotClassParameters } from './snapshot-class-parameters.js';

const GI = 2 ** 30;

describe('parseSnapshotClassParameters', () => {
  it.each([
    { name: 'no parameters: Open-Local defaults', input: {}, want: { isReadOnly: true, initialSizeBytes: 4 * GI, expansionThreshold: 0.5, expansionSizeBytes: GI } },
    {
      name: "Open-Local's read-only class",
      input: {
        'csi.aliyun.com/readonly': 'true',
        'csi.aliyun.com/snapshot-initial-size': '4Gi',
        'csi.aliyun.com/snapshot-expansion-size': '1Gi',
        'csi.aliyun.com/snapshot-expansion-threshold': '50%',
      },
      want: { isReadOnly: true, initialSizeBytes: 4 * GI, expansionThreshold: 0.5, expansionSizeBytes: GI },
    },
    { name: 'a threshold without %', input: { 'csi.aliyun.com/snapshot-expansion-threshold': '80' }, want: { isReadOnly: true, initialSizeBytes: 4 * GI, expansionThreshold: 0.8, expansionSizeBytes: GI } },
    { name: 'readonly false (decoded; the plugin decides)', input: { 'csi.aliyun.com/readonly': 'false' }, want: { isReadOnly: false, initialSizeBytes: 4 * GI, expansionThreshold: 0.5, expansionSizeBytes: GI } },
    {
      name: 'sidecar keys are ignored',
      input: { 'csi.storage.k8s.io/volumesnapshot/name': 's', 'csi.storage.k8s.io/volumesnapshotcontent/name': 'c', 'csi.aliyun.com/snapshot-initial-size': '512Mi' },
      want: { isReadOnly: true, initialSizeBytes: 512 * 2 ** 20, expansionThreshold: 0.5, expansionSizeBytes: GI },
    },
  ])('decodes $name', ({ input, want }) => {
    expect(parseSnapshotClassParameters(input)).toEqual({ ok: true, value: want });
  });

  it.each([
    { name: 'an unknown key', input: { 'csi.aliyun.com/snapshot-initial-sise': '1Gi' }, field: 'csi.aliyun.com/snapshot-initial-sise', reason: /unknown snapshot class parameter/ },
    { name: "Open-Local's restic S3 URL", input: { s3URL: 'http://minio:9000' }, field: 's3URL', reason: /unknown/ },
    { name: 'readonly yes', input: { 'csi.aliyun.com/readonly': 'yes' }, field: 'csi.aliyun.com/readonly', reason: /true or false/ },
    { name: 'a zero initial size', input: { 'csi.aliyun.com/snapshot-initial-size': '0' }, field: 'csi.aliyun.com/snapshot-initial-size', reason: /more than 0/ },
    { name: 'an initial size that is no quantity', input: { 'csi.aliyun.com/snapshot-initial-size': 'big' }, field: 'csi.aliyun.com/snapshot-initial-size', reason: /not a quantity/ },
    { name: 'a threshold of 100%', input: { 'csi.aliyun.com/snapshot-expansion-threshold': '100%' }, field: 'csi.aliyun.com/snapshot-expansion-threshold', reason: /below 100/ },
    { name: 'a threshold of 0', input: { 'csi.aliyun.com/snapshot-expansion-threshold': '0%' }, field: 'csi.aliyun.com/snapshot-expansion-threshold', reason: /above 0/ },
    { name: 'a negative threshold', input: { 'csi.aliyun.com/snapshot-expansion-threshold': '-5%' }, field: 'csi.aliyun.com/snapshot-expansion-threshold', reason: /percentage/ },
    { name: 'a negative expansion size', input: { 'csi.aliyun.com/snapshot-expansion-size': '-1Gi' }, field: 'csi.aliyun.com/snapshot-expansion-size', reason: /./ },
  ])('refuses $name, naming the parameter', ({ input, field, reason }) => {
    const result = parseSnapshotClassParameters(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues[0]?.field).toBe(field);
    expect(result.issues[0]?.reason).toMatch(reason);
    expect(result.issues[0]?.value).toBe(Object.values(input)[0]);
  });
});
