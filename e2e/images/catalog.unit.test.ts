import { describe, expect, it } from 'vitest';
import { ALL_IMAGES, APP_IMAGES, checkPrefix, checkTag, formatSize, imageLabels, imageRef, NODE_IMAGE_PACKAGES, NON_ROOT, parseVersionsEnv, selectImages, SIDECAR_IMAGES } from './catalog.js';

describe('the image catalog', () => {
  it('has one image per app, storage tools only in the node images, and the extender and controller as non-root', () => {
    expect(APP_IMAGES.map((a) => a.name).sort()).toEqual(['agent', 'controller', 'csi-plugin', 'scheduler-extender']);
    const byName = new Map(APP_IMAGES.map((a) => [a.name, a]));
    expect(byName.get('agent')).toMatchObject({ base: 'storage', command: 'open-local-agent' });
    expect(byName.get('csi-plugin')).toMatchObject({ base: 'storage', command: 'open-local-csi-plugin' });
    expect(byName.get('agent')?.user).toBeUndefined();
    for (const name of ['controller', 'scheduler-extender']) expect(byName.get(name)).toMatchObject({ base: 'minimal', user: NON_ROOT });
    expect(NODE_IMAGE_PACKAGES).toEqual(expect.arrayContaining(['lvm2', 'e2fsprogs', 'xfsprogs', 'util-linux', 'thin-provisioning-tools']));
  });

  it('builds the sidecars the chart runs from pinned versions', () => {
    expect(SIDECAR_IMAGES.map((s) => [s.name, s.versionKey])).toEqual([
      ['csi-provisioner', 'EXTERNAL_PROVISIONER_VERSION'],
      ['csi-resizer', 'EXTERNAL_RESIZER_VERSION'],
      ['csi-snapshotter', 'EXTERNAL_SNAPSHOTTER_VERSION'],
      ['snapshot-controller', 'EXTERNAL_SNAPSHOTTER_VERSION'],
    ]);
  });

  it.each([
    { name: 'agent', want: 'docker.io/open-local/agent:0.1.0' },
    { name: 'scheduler-extender', want: 'docker.io/open-local/scheduler-extender:0.1.0' },
    { name: 'csi-provisioner', want: 'docker.io/open-local/csi-provisioner:v5.3.0' },
  ])('names $name $want (apps take the tag, sidecars their version)', ({ name, want }) => {
    const definition = ALL_IMAGES.find((d) => d.name === name);
    if (!definition) throw new Error(name);
    expect(imageRef(definition, { prefix: 'docker.io/open-local', tag: '0.1.0', versions: { EXTERNAL_PROVISIONER_VERSION: 'v5.3.0' } })).toBe(want);
  });

  it('refuses a sidecar without a pinned version, naming the key', () => {
    const resizer = SIDECAR_IMAGES.find((s) => s.name === 'csi-resizer');
    if (!resizer) throw new Error('no resizer');
    expect(() => imageRef(resizer, { prefix: 'p', tag: 't', versions: {} })).toThrow('tools/versions.env has no EXTERNAL_RESIZER_VERSION');
  });

  it.each(['', '-x', '.x', 'v1 x', 'a'.repeat(129), 'v1/2'])('refuses tag %j', (tag) => {
    expect(() => checkTag(tag)).toThrow(`--tag must be an image tag`);
  });

  it.each(['0.1.0', 'v1.2.3-rc.1', 'rebuilt_2'])('accepts tag %s', (tag) => expect(checkTag(tag)).toBe(tag));

  it.each(['Docker.io/x', 'reg.example.com/', '/x', 'a b', 'reg:port/x'])('refuses prefix %j', (prefix) => {
    expect(() => checkPrefix(prefix)).toThrow(`--prefix must be a lower-case registry and path such as docker.io/open-local, got "${prefix}"`);
  });

  it.each(['docker.io/open-local', 'localhost:5000/ol', 'registry.example.com/team/open-local'])('accepts prefix %s', (prefix) => expect(checkPrefix(prefix)).toBe(prefix));

  it('labels version, revision and source', () => {
    expect(imageLabels({ version: '0.1.0', revision: 'abc', source: 'https://example.com/r', title: 't' })).toMatchObject({
      'org.opencontainers.image.version': '0.1.0', 'org.opencontainers.image.revision': 'abc', 'org.opencontainers.image.source': 'https://example.com/r',
    });
  });

  it('reads versions.env and selects images by name, refusing unknown ones', () => {
    expect(parseVersionsEnv('# c\nA=v1\n\nB_C=v2.0 \nnot a pair\n')).toEqual({ A: 'v1', B_C: 'v2.0' });
    expect(selectImages(undefined)).toHaveLength(ALL_IMAGES.length);
    expect(selectImages('agent, csi-resizer').map((d) => d.name)).toEqual(['agent', 'csi-resizer']);
    expect(() => selectImages('agent,pause')).toThrow('--only names unknown image(s) pause; known: agent, csi-plugin');
    expect(formatSize(3 * 2 ** 20)).toBe('3.0 MiB');
  });
});
