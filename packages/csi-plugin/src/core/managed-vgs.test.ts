import { describe, expect, it } from 'vitest';
import { CsiError } from './errors.js';
import { onlyManagedVgs, requireManagedVg, type ManagedVgs } from './managed-vgs.js';

const NLS: ManagedVgs = { kind: 'nls', nodeId: 'n1', names: ['pool', 'fast'] };
const NONE: ManagedVgs = { kind: 'nls', nodeId: 'n1', names: [] };
const NO_NLS: ManagedVgs = { kind: 'no-nls', nodeId: 'n1' };
const UNCHECKED: ManagedVgs = { kind: 'unchecked' };
const VGS = [{ name: 'pool' }, { name: 'os' }, { name: 'fast' }];

describe('onlyManagedVgs', () => {
  it.each([
    { name: 'the NLS list', managed: NLS, want: ['pool', 'fast'] },
    { name: 'an NLS managing nothing', managed: NONE, want: [] },
    { name: 'no NLS', managed: NO_NLS, want: [] },
    { name: 'no API (only --vg-regexp)', managed: UNCHECKED, want: ['pool', 'os', 'fast'] },
  ])('$name', ({ managed, want }) => {
    expect(onlyManagedVgs(VGS, managed).map((vg) => vg.name)).toEqual(want);
  });
});

describe('requireManagedVg', () => {
  it.each([
    { name: 'a managed VG', vg: 'pool', managed: NLS, want: undefined },
    { name: 'anything without API access', vg: 'os', managed: UNCHECKED, want: undefined },
    { name: "the OS's VG", vg: 'os', managed: NLS, want: 'invalid parameters["vgName"] "os": volume group is not managed by the NodeLocalStorage of node n1 (managed: pool, fast)' },
    { name: 'any VG when the NLS manages none', vg: 'pool', managed: NONE, want: 'invalid parameters["vgName"] "pool": volume group is not managed by the NodeLocalStorage of node n1 (managed: none)' },
    { name: 'any VG without an NLS', vg: 'pool', managed: NO_NLS, want: 'parameters["vgName"] "pool": node n1 has no NodeLocalStorage, so no volume group is managed there yet' },
  ])('$name', ({ vg, managed, want }) => {
    const check = (): void => requireManagedVg(vg, 'parameters["vgName"]', managed);
    if (want === undefined) expect(check).not.toThrow();
    else {
      expect(check).toThrow(CsiError);
      expect(check).toThrow(want);
    }
  });

  it('codes: INVALID_ARGUMENT for an unmanaged VG, FAILED_PRECONDITION without an NLS', () => {
    const codeOf = (managed: ManagedVgs): string => {
      try {
        requireManagedVg('os', 'f', managed);
        return 'none';
      } catch (error) {
        return (error as CsiError).code;
      }
    };
    expect([codeOf(NLS), codeOf(NO_NLS)]).toEqual(['INVALID_ARGUMENT', 'FAILED_PRECONDITION']);
  });
});
