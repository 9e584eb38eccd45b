// Who may make the extender reserve capacity (issue #16): only a pod that exists in the API. A filter request
// carries the pod as the client wrote it, so a client on the pod network could post made-up pods with huge
// inline volumes, or real pending claims, and have them reserved on any node. The extender therefore plans
// from the pod its informer delivered under the request's UID — never from the request — and refuses a pod it
// does not know, or whose UID belongs to another pod.
import type { PodShape } from './k8s-shapes.js';

export type PodCheck = { ok: true; pod: PodShape } | { ok: false; reason: string };

function podName(pod: PodShape): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

/**
 * Pure: the pod to plan for, given the pod of a filter request (`sent`) and the informer's pod with the same
 * UID (`known`, undefined when there is none). Refusals name the pod and the UID.
 */
export function checkSchedulingPod(sent: PodShape, known: PodShape | undefined): PodCheck {
  const uid = sent.metadata?.uid ?? '';
  if (uid === '') return { ok: false, reason: `open-local scheduler extender: pod ${podName(sent)} has no metadata.uid; only pods that exist in the API are planned for` };
  if (known === undefined) {
    return { ok: false, reason: `open-local scheduler extender: pod ${podName(sent)} (uid ${uid}) is not in the extender's cache of the API; only pods that exist there are planned for` };
  }
  if (podName(known) !== podName(sent)) {
    return { ok: false, reason: `open-local scheduler extender: uid ${uid} is pod ${podName(known)}, not ${podName(sent)}` };
  }
  return { ok: true, pod: known };
}
