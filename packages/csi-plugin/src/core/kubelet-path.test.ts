import { describe, expect, it } from 'vitest';
import { validatePathInside } from './kubelet-path.js';

const KUBELET = '/var/lib/kubelet';

describe('validatePathInside', () => {
  it('accepts a pod volume target and normalises it', () => {
    const path = '/var/lib/kubelet/pods/uid/volumes/kubernetes.io~csi/pv-1/mount/';
    expect(validatePathInside(path, KUBELET, 'target_path')).toBe('/var/lib/kubelet/pods/uid/volumes/kubernetes.io~csi/pv-1/mount');
  });

  it.each([
    { name: 'a path outside the kubelet dir', input: '/etc', want: 'invalid target_path "/etc": must be inside the kubelet directory /var/lib/kubelet' },
    { name: 'an escape with ..', input: '/var/lib/kubelet/../../../etc/shadow', want: 'must be inside the kubelet directory' },
    { name: 'a sibling with the same prefix', input: '/var/lib/kubelet-evil/x', want: 'must be inside the kubelet directory' },
    { name: 'the kubelet dir itself', input: '/var/lib/kubelet', want: 'must be inside the kubelet directory' },
    { name: 'a relative path', input: 'pods/x', want: 'must be an absolute path' },
    { name: 'an empty path', input: '', want: 'target_path is required' },
  ])('refuses $name', ({ input, want }) => {
    expect(() => validatePathInside(input, KUBELET, 'target_path')).toThrow(want);
  });
});
