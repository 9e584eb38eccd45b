import type { NodeLocalStorageInitConfigSpec } from '@openlocal/crd-types';
import { describe, expect, it } from 'vitest';
import { planNls, sweepNames, type NlsPlanInput } from './nls-plan.js';

const initConfig: NodeLocalStorageInitConfigSpec = {
  globalConfig: {
    listConfig: { vgs: { include: ['open-local-pool-[0-9]+'] } },
    resourceToBeInited: { vgs: [{ name: 'open-local-pool-0', devices: ['/dev/vdb'] }] },
  },
  nodesConfig: [
    { selector: { matchLabels: { disk: 'nvme' } }, listConfig: { vgs: { include: ['fast'] } } },
    { selector: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['z1'] }] }, listConfig: { vgs: { include: ['z1'] } } },
  ],
};
const globalSpec = { nodeName: 'n1', ...initConfig.globalConfig };
const node = { name: 'n1', labels: { 'kubernetes.io/hostname': 'n1' } };
const base: NlsPlanInput = { name: 'n1', node, nls: undefined, initConfig, isUpdateEnabled: true };

describe('planNls', () => {
  it.each([
    { name: 'creates the NLS of a node that has none, from the global config', input: base, want: { kind: 'create', spec: globalSpec } },
    {
      name: 'a matching selector replaces the blocks wholesale (resourceToBeInited gone)',
      input: { ...base, node: { name: 'n1', labels: { disk: 'nvme' } } },
      want: { kind: 'create', spec: { nodeName: 'n1', listConfig: { vgs: { include: ['fast'] } } } },
    },
    {
      name: 'the last matching selector wins',
      input: { ...base, node: { name: 'n1', labels: { disk: 'nvme', zone: 'z1' } } },
      want: { kind: 'create', spec: { nodeName: 'n1', listConfig: { vgs: { include: ['z1'] } } } },
    },
    {
      name: 'writes nothing when the spec is already the merged one',
      input: { ...base, nls: { name: 'n1', spec: structuredClone(globalSpec), isDeleting: false } },
      want: { kind: 'none', reason: 'spec up to date' },
    },
    {
      name: 'replaces a spec that differs (labels changed)',
      input: { ...base, node: { name: 'n1', labels: { disk: 'nvme' } }, nls: { name: 'n1', spec: structuredClone(globalSpec), isDeleting: false } },
      want: { kind: 'update', spec: { nodeName: 'n1', listConfig: { vgs: { include: ['fast'] } } } },
    },
    {
      name: 'leaves a differing spec alone when updates are disabled',
      input: { ...base, isUpdateEnabled: false, nls: { name: 'n1', spec: { nodeName: 'n1' }, isDeleting: false } },
      want: { kind: 'none', reason: 'updates are disabled (--no-update-nls)' },
    },
    {
      name: 'deletes the NLS of a node that is gone',
      input: { ...base, node: undefined, nls: { name: 'n1', spec: globalSpec, isDeleting: false } },
      want: { kind: 'delete' },
    },
    {
      name: 'does not delete twice an NLS already being deleted',
      input: { ...base, node: undefined, nls: { name: 'n1', spec: globalSpec, isDeleting: true } },
      want: { kind: 'none', reason: 'no Node and no NLS' },
    },
    {
      name: 'waits for an NLS being deleted before recreating it',
      input: { ...base, nls: { name: 'n1', spec: globalSpec, isDeleting: true } },
      want: { kind: 'none', reason: 'the NLS is being deleted; it is recreated when it is gone' },
    },
    {
      name: 'creates nothing without an init config',
      input: { ...base, initConfig: undefined },
      want: { kind: 'none', reason: 'the init config does not exist' },
    },
    {
      name: 'still deletes an orphan NLS without an init config',
      input: { ...base, initConfig: undefined, node: undefined, nls: { name: 'n1', spec: undefined, isDeleting: false } },
      want: { kind: 'delete' },
    },
  ])('$name', ({ input, want }) => {
    expect(planNls(input)).toEqual(want);
  });

  it('reports an invalid selector operator instead of throwing', () => {
    const bad = { nodesConfig: [{ selector: { matchExpressions: [{ key: 'a', operator: 'Like' as 'In', values: ['x'] }] } }] };
    const action = planNls({ ...base, initConfig: bad });
    expect(action.kind).toBe('invalid-config');
    expect(action.kind === 'invalid-config' && action.message).toMatch(/Like/);
  });
});

describe('sweepNames', () => {
  it('covers every node and every NLS once, sorted', () => {
    expect(sweepNames(['b', 'a'], ['a', 'orphan'])).toEqual(['a', 'b', 'orphan']);
  });
});
