import { INLINE_VOLUME_ATTRIBUTE_CASES, PROVISIONER_NAMES, STORAGE_CLASS_PARAMETER_CASES } from '@openlocal/crd-types';
import { describe, expect, it } from 'vitest';
import { inlineVolume, pod, pvc, storageClass } from '../test-support/builders.js';
import { podDemand, type DemandLookup } from './demand.js';
import { claimInfo, storageClassInfo } from './objects.js';

// The same table runs through the CSI plugin's request validation in its unit tests: both must agree on every row.
describe('parity with the CSI plugin (crd-types parameter cases)', () => {
  it.each(STORAGE_CLASS_PARAMETER_CASES)('a claim of a StorageClass with $name: accepted=$accepted', ({ input, accepted, field }) => {
    const lookup: DemandLookup = {
      claim: (key) => (key === 'ns/data' ? claimInfo(pvc('ns/data', 'sc', '1Gi')) : undefined),
      storageClass: (name) => (name === 'sc' ? storageClassInfo(storageClass('sc', { ...input }), PROVISIONER_NAMES) : undefined),
    };
    const demand = podDemand(pod('ns/p', ['ns/data']), lookup, PROVISIONER_NAMES);
    expect(demand.kind).toBe(accepted ? 'demands' : 'invalid');
    if (demand.kind === 'invalid') expect(demand.reason).toContain(`storageclass sc: parameter ${field ?? ''} `);
  });

  it.each(INLINE_VOLUME_ATTRIBUTE_CASES)('an inline volume with $name: accepted=$accepted', ({ input, accepted, field }) => {
    const lookup: DemandLookup = { claim: () => undefined, storageClass: () => undefined };
    const demand = podDemand(pod('ns/p', [], [inlineVolume('scratch', { ...input })]), lookup, PROVISIONER_NAMES);
    expect(demand.kind).toBe(accepted ? 'demands' : 'invalid');
    if (demand.kind === 'invalid') expect(demand.reason).toContain(`pod volume scratch: csi.volumeAttributes.${field ?? ''} `);
  });

  it('charges an inline size of 1e9 as 10^9 bytes, the size the plugin creates', () => {
    const lookup: DemandLookup = { claim: () => undefined, storageClass: () => undefined };
    const demand = podDemand(pod('ns/p', [], [inlineVolume('scratch', { vgName: 'pool', size: '1e9' })]), lookup, PROVISIONER_NAMES);
    expect(demand).toEqual({ kind: 'demands', demands: [{ kind: 'LVM', key: 'inline:uid-ns/p/scratch', sizeBytes: 1e9, vgName: 'pool' }] });
  });
});
