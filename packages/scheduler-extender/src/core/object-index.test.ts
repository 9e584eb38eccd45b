import { describe, expect, it } from 'vitest';
import { ObjectIndex } from './object-index.js';
import type { ClaimInfo } from './objects.js';

function claim(key: string, selectedNode?: string): ClaimInfo {
  return { key, storageClassName: 'lvm', size: { bytes: 1 }, volumeName: undefined, selectedNode };
}

describe('ObjectIndex claims by selected node', () => {
  it('follows the annotation as claims are added, moved, cleared and deleted, in key order', () => {
    const index = new ObjectIndex();
    index.setClaim(claim('ns/c', 'n1'));
    index.setClaim(claim('ns/a', 'n1'));
    index.setClaim(claim('ns/b', 'n2'));
    index.setClaim(claim('ns/d'));
    expect(index.claimsSelectedOn('n1').map((c) => c.key)).toEqual(['ns/a', 'ns/c']);
    index.setClaim(claim('ns/c', 'n2'));
    expect(index.claimsSelectedOn('n1').map((c) => c.key)).toEqual(['ns/a']);
    expect(index.claimsSelectedOn('n2').map((c) => c.key)).toEqual(['ns/b', 'ns/c']);
    index.setClaim(claim('ns/a'));
    index.deleteClaim('ns/b');
    expect(index.claimsSelectedOn('n1')).toEqual([]);
    expect(index.claimsSelectedOn('n2')).toEqual([claim('ns/c', 'n2')]);
    expect(index.claimsByKey().map((c) => c.key)).toEqual(['ns/a', 'ns/c', 'ns/d']);
  });
});
