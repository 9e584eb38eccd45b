// Where kubelet puts a pod's cgroup under cgroup v2, for both cgroup drivers and every QoS class. Tried in
// order; the first that exists is the pod.
export function podCgroupCandidates(podUid: string): string[] {
  const underscored = podUid.replace(/-/g, '_');
  return [
    `kubepods.slice/kubepods-pod${underscored}.slice`,
    `kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${underscored}.slice`,
    `kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${underscored}.slice`,
    `kubepods/pod${podUid}`,
    `kubepods/burstable/pod${podUid}`,
    `kubepods/besteffort/pod${podUid}`,
  ];
}
