import { describe, expect, it } from 'vitest';
import { parseManifests } from './apply.js';

describe('parseManifests', () => {
  it('splits multi-document YAML, skips empty documents and keeps objects as given', () => {
    const yamlText = '---\napiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n';
    const object = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'c' } };
    expect(parseManifests([yamlText, object]).map((item) => `${item.kind}/${item.metadata?.name}`)).toEqual(['Namespace/a', 'ConfigMap/b', 'Secret/c']);
  });

  it.each([
    { name: 'a missing kind', input: 'apiVersion: v1\nmetadata: {name: a}\n', message: 'manifest 0 document 0: kind must be a non-empty string, got undefined' },
    { name: 'a missing name', input: 'apiVersion: v1\nkind: Pod\nmetadata: {}\n', message: 'metadata.name must be a non-empty string' },
    { name: 'a list instead of a mapping', input: '- a\n- b\n', message: 'a manifest must be a mapping' },
    { name: 'broken YAML', input: 'apiVersion: v1\nkind: [\n', message: 'manifest 0 document 0: invalid YAML' },
  ])('refuses $name, saying where', ({ input, message }) => {
    expect(() => parseManifests(input)).toThrow(message);
  });
});
