import { describe, expect, it } from 'vitest';
import type { HostPriority } from '../core/wire.js';
import { HostPriorityEncoder, NodeNamesMemo } from './extender-body.js';

describe('HostPriorityEncoder', () => {
  const cases: Array<{ name: string; priorities: HostPriority[] }> = [
    { name: 'no hosts', priorities: [] },
    { name: 'one host', priorities: [{ Host: 'node-a', Score: 7 }] },
    { name: 'every score 0–10', priorities: Array.from({ length: 11 }, (_, score) => ({ Host: `n${score}`, Score: score })) },
    { name: 'a score outside 0–10', priorities: [{ Host: 'n', Score: 42 }, { Host: 'm', Score: -1 }] },
    { name: 'names that need escaping', priorities: [{ Host: 'a"b\\c', Score: 1 }, { Host: 'ünï\u2028', Score: 2 }] },
    { name: 'the same host twice', priorities: [{ Host: 'x', Score: 1 }, { Host: 'x', Score: 2 }] },
  ];
  it.each(cases)('encodes $name exactly as JSON.stringify does', ({ priorities }) => {
    const encoder = new HostPriorityEncoder();
    // Twice: the second answer comes from the kept heads.
    for (let round = 0; round < 2; round++) {
      const bytes = encoder.encode(priorities);
      expect(bytes.toString('utf8')).toBe(JSON.stringify(priorities));
    }
  });

  it('drops its kept heads past maxHosts and still answers correctly', () => {
    const encoder = new HostPriorityEncoder(3);
    for (let i = 0; i < 10; i++) {
      const priorities = [{ Host: `forged-${i}`, Score: i % 11 }];
      expect(JSON.parse(encoder.encode(priorities).toString('utf8'))).toEqual(priorities);
    }
    expect((encoder as unknown as { heads: Map<string, Buffer> }).heads.size).toBeLessThanOrEqual(4);
  });
});

describe('NodeNamesMemo', () => {
  it('decodes a list, returns the same frozen array for the same bytes and decodes a different list anew', () => {
    const memo = new NodeNamesMemo();
    const first = memo.decode(Buffer.from('["a","b"]'));
    expect(first).toEqual(['a', 'b']);
    expect(Object.isFrozen(first)).toBe(true);
    expect(memo.decode(Buffer.from('["a","b"]'))).toBe(first);
    expect(memo.decode(Buffer.from('["a","c"]'))).toEqual(['a', 'c']);
  });

  it('keeps a copy: a request body reused after decoding does not change the answer', () => {
    const memo = new NodeNamesMemo();
    const body = Buffer.from('["a","b"]');
    memo.decode(body);
    body.write('["x","y"]');
    expect(memo.decode(Buffer.from('["a","b"]'))).toEqual(['a', 'b']);
    expect(memo.decode(body)).toEqual(['x', 'y']);
  });
});
