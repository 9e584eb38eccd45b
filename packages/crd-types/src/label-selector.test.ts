// Label-selector matching with Kubernetes' LabelSelectorAsSelector semantics.
import { describe, expect, it } from 'vitest';
import { InvalidSelectorError } from './errors.js';
import type { LabelSelector } from './generated/nodelocalstorageinitconfig.js';
import { matchesLabelSelector } from './label-selector.js';

const labels = { 'kubernetes.io/hostname': 'n1', disk: 'ssd', zone: 'a' };

describe('matchesLabelSelector', () => {
  it.each<{ name: string; selector: LabelSelector | null | undefined; want: boolean }>([
    { name: 'an absent selector matches nothing', selector: undefined, want: false },
    { name: 'a null selector matches nothing', selector: null, want: false },
    { name: 'an empty selector matches everything', selector: {}, want: true },
    { name: 'empty matchLabels and matchExpressions match everything', selector: { matchLabels: {}, matchExpressions: [] }, want: true },
    { name: 'matchLabels with equal value matches', selector: { matchLabels: { disk: 'ssd' } }, want: true },
    { name: 'matchLabels with another value does not match', selector: { matchLabels: { disk: 'hdd' } }, want: false },
    { name: 'matchLabels on a missing label does not match', selector: { matchLabels: { rack: '' } }, want: false },
    { name: 'all matchLabels must hold', selector: { matchLabels: { disk: 'ssd', zone: 'b' } }, want: false },
    { name: 'In with the value matches', selector: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }, want: true },
    { name: 'In on a missing label does not match', selector: { matchExpressions: [{ key: 'rack', operator: 'In', values: ['a'] }] }, want: false },
    { name: 'NotIn with the value does not match', selector: { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, want: false },
    { name: 'NotIn on a missing label matches', selector: { matchExpressions: [{ key: 'rack', operator: 'NotIn', values: ['a'] }] }, want: true },
    { name: 'Exists on a present label matches', selector: { matchExpressions: [{ key: 'disk', operator: 'Exists' }] }, want: true },
    { name: 'DoesNotExist on a present label does not match', selector: { matchExpressions: [{ key: 'disk', operator: 'DoesNotExist' }] }, want: false },
    { name: 'matchLabels and matchExpressions are ANDed', selector: { matchLabels: { disk: 'ssd' }, matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] }, want: false },
  ])('$name', ({ selector, want }) => {
    expect(matchesLabelSelector(selector, labels)).toBe(want);
  });

  it.each([
    { name: 'unknown operator', selector: { matchExpressions: [{ key: 'zone', operator: 'Equals', values: ['a'] }] }, field: 'sel.matchExpressions[0].operator', value: 'Equals' },
    { name: 'In without values', selector: { matchExpressions: [{ key: 'zone', operator: 'In', values: [] }] }, field: 'sel.matchExpressions[0].values', value: [] },
    { name: 'Exists with values', selector: { matchExpressions: [{ key: 'zone', operator: 'Exists', values: ['a'] }] }, field: 'sel.matchExpressions[0].values', value: ['a'] },
    { name: 'empty key', selector: { matchExpressions: [{ key: '', operator: 'Exists' }] }, field: 'sel.matchExpressions[0].key', value: '' },
  ])('rejects $name with a typed error naming the field', ({ selector, field, value }) => {
    const run = (): boolean => matchesLabelSelector(selector as LabelSelector, labels, 'sel');
    expect(run).toThrow(InvalidSelectorError);
    expect(run).toThrow(field);
    try {
      run();
    } catch (error) {
      expect(error).toMatchObject({ code: 'INVALID_SELECTOR', field, value });
    }
  });

  it('rejects a bad expression even when an earlier requirement already fails for this node', () => {
    const selector = { matchLabels: { disk: 'hdd' }, matchExpressions: [{ key: 'zone', operator: 'Bogus' }] } as unknown as LabelSelector;
    expect(() => matchesLabelSelector(selector, labels)).toThrow(InvalidSelectorError);
  });
});
