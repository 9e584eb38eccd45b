// The quick read must agree with JSON.parse on everything it accepts and hand everything unusual to the general
// path: tables of both, then thousands of seeded byte mutations of a real-shaped body.
import { describe, expect, it } from 'vitest';
import { pod } from '../test-support/builders.js';
import { readRawExtenderArgs } from './raw-args.js';

const POD = { ...pod('ns/web', ['data']), spec: { volumes: [{ name: 'v0', persistentVolumeClaim: { claimName: 'data' } }], containers: [{ name: 'c', args: ['"}]{['] }] } };
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const scheduler = (names: unknown, p: unknown = POD): string => `{"Pod":${JSON.stringify(p)},"Nodes":null,"NodeNames":${JSON.stringify(names)}}`;

function decoded(text: string): { pod: unknown; names: unknown } | undefined {
  const body = bytes(text);
  const raw = readRawExtenderArgs(body);
  if (raw === undefined) return undefined;
  return { pod: raw.pod, names: JSON.parse(new TextDecoder().decode(body.subarray(raw.nodeNamesStart, raw.nodeNamesEnd))) };
}

describe('readRawExtenderArgs', () => {
  it.each([
    { name: "kube-scheduler's nodeCacheCapable shape", text: scheduler(['n1', 'node-2.example.com']), names: ['n1', 'node-2.example.com'] },
    { name: 'an empty NodeNames list', text: scheduler([]), names: [] },
    { name: 'keys in another order, Nodes left out', text: `{"NodeNames":["b","a"],"Pod":${JSON.stringify(POD)}}`, names: ['b', 'a'] },
    { name: 'whitespace everywhere JSON allows it', text: ` \n{ "Pod" :\t${JSON.stringify(POD, null, 2)} ,\r\n "Nodes" : null , "NodeNames" : [ "n1" , "n2" ] } \n`, names: ['n1', 'n2'] },
    { name: 'a Pod that is not an object is still read (the schema judges it)', text: scheduler(['n1'], 'text'), names: ['n1'] },
  ])('reads $name', ({ text, names }) => {
    const got = decoded(text);
    expect(got).toEqual({ pod: JSON.parse(text).Pod, names });
  });

  it.each([
    { name: 'malformed JSON', text: '{"Pod": ' },
    { name: 'a truncated node list', text: scheduler(['n1', 'n2']).slice(0, -3) },
    { name: 'trailing bytes after the object', text: `${scheduler(['n1'])} x` },
    { name: 'two objects', text: `${scheduler(['n1'])}{}` },
    { name: 'a JSON array', text: '[1,2]' },
    { name: 'an empty object', text: '{}' },
    { name: 'an empty body', text: '' },
    { name: 'no Pod', text: '{"NodeNames":["n1"]}' },
    { name: 'no NodeNames (Nodes objects)', text: `{"Pod":${JSON.stringify(POD)},"Nodes":{"items":[]}}` },
    { name: 'NodeNames null', text: `{"Pod":${JSON.stringify(POD)},"Nodes":null,"NodeNames":null}` },
    { name: 'NodeNames not an array', text: scheduler('n1') },
    { name: 'a number among the names', text: scheduler(['n1', 2]) },
    { name: 'an empty name', text: scheduler(['n1', '']) },
    { name: 'an escape in a name', text: scheduler(['n\\u0031']).replace('\\\\u', '\\u') },
    { name: 'a non-ASCII name', text: scheduler(['nöde']) },
    { name: 'a control character in a name', text: scheduler(['n1']).replace('n1', 'n\t1') },
    { name: 'a trailing comma in the list', text: scheduler(['n1']).replace('"n1"]', '"n1",]') },
    { name: 'a duplicate key (JSON.parse keeps the last)', text: `{"Pod":${JSON.stringify(POD)},"NodeNames":["a"],"NodeNames":["b"]}` },
    { name: 'a key spelled with an escape', text: scheduler(['n1']).replace('"NodeNames"', '"Node\\u004eames"') },
    { name: 'an unknown key', text: `{"Pod":${JSON.stringify(POD)},"NodeNames":["a"],"Extra":1}` },
    { name: 'Nodes that is not null', text: `{"Pod":${JSON.stringify(POD)},"Nodes":{"items":[]},"NodeNames":["a"]}` },
    { name: 'a malformed Pod', text: scheduler(['n1']).replace('"metadata"', 'metadata') },
    { name: 'an unterminated string in the Pod', text: '{"Pod":{"a":"b},"NodeNames":["n1"]}' },
    { name: 'a missing colon', text: '{"Pod" {},"NodeNames":["n1"]}' },
    { name: 'a very long key', text: `{"${'k'.repeat(200_000)}":1}` },
  ])('leaves $name to the general path', ({ text }) => {
    expect(readRawExtenderArgs(bytes(text))).toBeUndefined();
  });

  it('accepts nothing JSON.parse refuses, and reads what it accepts as JSON.parse does (4000 seeded mutations)', () => {
    const base = scheduler(['n1', 'n22', 'node-333']);
    const alphabet = '{}[]",:\\ n1aeul0';
    let seed = 7;
    const random = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    let accepted = 0;
    for (let round = 0; round < 4000; round += 1) {
      let text = base;
      for (let edits = 1 + random(3); edits > 0; edits -= 1) {
        const at = random(text.length);
        const char = alphabet[random(alphabet.length)] ?? '';
        const op = random(3);
        text = op === 0 ? text.slice(0, at) + text.slice(at + 1) : op === 1 ? text.slice(0, at) + char + text.slice(at) : text.slice(0, at) + char + text.slice(at + 1);
      }
      const got = decoded(text);
      if (got === undefined) continue;
      accepted += 1;
      const parsed = JSON.parse(text) as { Pod: unknown; NodeNames: unknown; Nodes?: unknown };
      expect({ pod: got.pod, names: got.names }, text).toEqual({ pod: parsed.Pod, names: parsed.NodeNames });
      expect(Object.keys(parsed).every((k) => ['Pod', 'Nodes', 'NodeNames'].includes(k)) && (parsed.Nodes ?? null) === null, text).toBe(true);
    }
    // Edits inside string values keep the body valid: some mutations must have been accepted.
    expect(accepted).toBeGreaterThan(100);
  });
});
